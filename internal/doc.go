// Package internal holds helpers that two or more socialdesk packages need.
package internal
