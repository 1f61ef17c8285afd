// Command desk is the reference host for socialdesk.
package main

import "fmt"

func main() {
	fmt.Println("socialdesk demo desk: coming soon")
}
