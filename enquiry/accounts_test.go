package enquiry_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
)

func TestAccountValidate(t *testing.T) {
	valid := func() enquiry.Account {
		return enquiry.Account{ID: "alice", First: "Alice", Last: "Chen", Role: enquiry.RoleStaff}
	}
	tests := []struct {
		name  string
		edit  func(a *enquiry.Account)
		field string // "" when valid
	}{
		{"a plain account is valid", func(a *enquiry.Account) {}, ""},
		{"an admin is valid", func(a *enquiry.Account) { a.Role = enquiry.RoleAdmin }, ""},
		{"an ID of letters, digits and . _ - @ is valid", func(a *enquiry.Account) { a.ID = "Alice.Chen_2-x@desk" }, ""},
		{"a 64-byte ID is valid", func(a *enquiry.Account) { a.ID = strings.Repeat("a", 64) }, ""},
		{"a first name alone is valid", func(a *enquiry.Account) { a.Last = "" }, ""},
		{"a last name alone is valid", func(a *enquiry.Account) { a.First = "" }, ""},
		{"a 100-character name is valid", func(a *enquiry.Account) { a.First = strings.Repeat("陳", 100) }, ""},
		{"a disabled account without a password is valid", func(a *enquiry.Account) { a.Disabled, a.PasswordHash = true, "" }, ""},
		{"an empty ID is not", func(a *enquiry.Account) { a.ID = "" }, "id"},
		{"a 65-byte ID is not", func(a *enquiry.Account) { a.ID = strings.Repeat("a", 65) }, "id"},
		{"an ID with a slash is not", func(a *enquiry.Account) { a.ID = "../admin" }, "id"},
		{"an ID with a non-ASCII letter is not", func(a *enquiry.Account) { a.ID = "chén" }, "id"},
		{"no names are not", func(a *enquiry.Account) { a.First, a.Last = "", "" }, "first"},
		{"a 101-character first name is not", func(a *enquiry.Account) { a.First = strings.Repeat("a", 101) }, "first"},
		{"a last name not UTF-8 is not", func(a *enquiry.Account) { a.Last = "Chen\xc3" }, "last"},
		{"an empty role is not", func(a *enquiry.Account) { a.Role = "" }, "role"},
		{"an unknown role is not", func(a *enquiry.Account) { a.Role = "Admin" }, "role"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := valid()
			tc.edit(&a)
			err := a.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			var verr *enquiry.ValidationError
			if !errors.As(err, &verr) || verr.Field != tc.field || !errors.Is(err, enquiry.ErrInvalid) {
				t.Fatalf("Validate = %v, want a ValidationError of %s", err, tc.field)
			}
		})
	}
}

func TestAccountName(t *testing.T) {
	a := enquiry.Account{ID: "alice", First: "Alice", Last: "Chen"}
	if got := a.Name(); got != (automsg.Staff{First: "Alice", Last: "Chen"}) {
		t.Fatalf("Name = %+v, want Alice Chen", got)
	}
}

func TestRoleValid(t *testing.T) {
	for _, tc := range []struct {
		role enquiry.Role
		ok   bool
	}{{enquiry.RoleAdmin, true}, {enquiry.RoleStaff, true}, {"", false}, {"ADMIN", false}, {"owner", false}} {
		if tc.role.Valid() != tc.ok {
			t.Errorf("Role(%q).Valid() = %v, want %v", tc.role, !tc.ok, tc.ok)
		}
	}
}
