package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/socialdesk/socialdesk/automsg"
	"github.com/socialdesk/socialdesk/enquiry"
)

// runCanned runs the CannedStore section of the suite, each subtest on a
// store of its own.
func runCanned(t *testing.T, newStore func(t *testing.T) enquiry.Store) {
	runSubtests(t, newStore, []subtest{
		{"canned replies are created, read, listed by name, updated and deleted", testCanned},
		{"a canned reply's name is one per channel, whatever its case", testCannedNames},
		{"an invalid canned reply, or one of no channel, is refused and nothing is stored", testCannedInvalid},
		{"deleting a channel deletes its canned replies", testCannedDeleteChannel},
		{"of many concurrent creations of one canned reply name, exactly one wins", testCannedRace},
	})
}

func canned(ch, id, name, text string) enquiry.CannedReply {
	return enquiry.CannedReply{ID: id, Channel: ch, Name: name, Text: text, Created: t0, Updated: t0}
}

func mustCreateCanned(t *testing.T, s enquiry.Store, c enquiry.CannedReply) {
	t.Helper()
	if err := s.CreateCanned(ctx(t), c); err != nil {
		t.Fatalf("CreateCanned(%s/%s %q): %v", c.Channel, c.ID, c.Name, err)
	}
}

func equalCanned(a, b enquiry.CannedReply) bool {
	return a.ID == b.ID && a.Channel == b.Channel && a.Name == b.Name && a.Text == b.Text &&
		a.Created.Equal(b.Created) && a.Updated.Equal(b.Updated)
}

// cannedNames lists the replies as "id:name".
func cannedNames(cs []enquiry.CannedReply) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.ID+":"+c.Name)
	}
	return out
}

func listCanned(t *testing.T, s enquiry.Store, ch string) []string {
	t.Helper()
	cs, err := s.CannedReplies(ctx(t), ch)
	if err != nil {
		t.Fatalf("CannedReplies(%s): %v", ch, err)
	}
	return cannedNames(cs)
}

func testCanned(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a", "b")
	thanks := canned("a", "r1", "thanks", "Thank you, {customer}!\nRegards, {staff} of {channel}")
	mustCreateCanned(t, s, thanks)
	mustCreateCanned(t, s, canned("a", "r2", "Address", "We are at 1-2-3 Shibuya, Tokyo."))
	mustCreateCanned(t, s, canned("a", "r3", "お礼", "ありがとうございます、{customer}様。"))
	mustCreateCanned(t, s, canned("b", "r1", "thanks", "Merci !"))

	got, err := s.CannedReply(ctx(t), "a", "r1")
	if err != nil || !equalCanned(got, thanks) {
		t.Fatalf("CannedReply(a, r1) = %+v, %v; want %+v", got, err, thanks)
	}
	if got := fmt.Sprint(listCanned(t, s, "a")); got != "[r2:Address r1:thanks r3:お礼]" {
		t.Fatalf("channel a's replies %s; want them by name whatever the case: [r2:Address r1:thanks r3:お礼]", got)
	}
	if got := fmt.Sprint(listCanned(t, s, "b")); got != "[r1:thanks]" {
		t.Fatalf("channel b's replies %s; want [r1:thanks], its own only", got)
	}
	if got := listCanned(t, s, "none"); len(got) != 0 {
		t.Fatalf("an unknown channel's replies %v; want none", got)
	}

	edited := canned("a", "r1", "a-thanks", "Thanks again, {customer}.")
	edited.Updated = t0.Add(time.Minute)
	if err := s.UpdateCanned(ctx(t), edited); err != nil {
		t.Fatal(err)
	}
	if got, err := s.CannedReply(ctx(t), "a", "r1"); err != nil || !equalCanned(got, edited) {
		t.Fatalf("after UpdateCanned: %+v, %v; want %+v", got, err, edited)
	}
	if got := fmt.Sprint(listCanned(t, s, "a")); got != "[r1:a-thanks r2:Address r3:お礼]" {
		t.Fatalf("after renaming r1, channel a's replies %s; want [r1:a-thanks r2:Address r3:お礼], by the new name", got)
	}
	if got, _ := s.CannedReply(ctx(t), "b", "r1"); got.Name != "thanks" {
		t.Fatalf("channel b's r1 is %+v; the edit of channel a's r1 changed it", got)
	}
	if err := s.UpdateCanned(ctx(t), canned("a", "r9", "new", "x")); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("UpdateCanned of an unknown reply: %v, want ErrNotFound", err)
	}
	if err := s.UpdateCanned(ctx(t), canned("c", "r1", "thanks", "x")); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("UpdateCanned of r1 in a channel that has none: %v, want ErrNotFound", err)
	}

	if err := s.DeleteCanned(ctx(t), "a", "r2"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CannedReply(ctx(t), "a", "r2"); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("CannedReply after DeleteCanned: %v, want ErrNotFound", err)
	}
	if err := s.DeleteCanned(ctx(t), "a", "r2"); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("DeleteCanned again: %v, want ErrNotFound", err)
	}
	if err := s.DeleteCanned(ctx(t), "c", "r1"); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("DeleteCanned of r1 in a channel that has none: %v, want ErrNotFound", err)
	}
	if got := fmt.Sprint(listCanned(t, s, "a")); got != "[r1:a-thanks r3:お礼]" {
		t.Fatalf("after deleting r2, channel a's replies %s; want [r1:a-thanks r3:お礼]", got)
	}
	if got := fmt.Sprint(listCanned(t, s, "b")); got != "[r1:thanks]" {
		t.Fatalf("after deletions in channel a, channel b's replies %s; want [r1:thanks]", got)
	}
}

func testCannedNames(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a", "b")
	mustCreateCanned(t, s, canned("a", "r1", "Thanks", "Thank you!"))
	mustCreateCanned(t, s, canned("a", "r2", "hours", "We open at 9."))
	for _, c := range []enquiry.CannedReply{
		canned("a", "r3", "thanks", "Again"),
		canned("a", "r3", "THANKS", "Again"),
		canned("a", "r1", "other", "The same ID"),
	} {
		if err := s.CreateCanned(ctx(t), c); !errors.Is(err, enquiry.ErrCannedExists) {
			t.Errorf("CreateCanned(%s %q) beside r1 Thanks: %v, want ErrCannedExists", c.ID, c.Name, err)
		}
	}
	if err := s.UpdateCanned(ctx(t), canned("a", "r2", "THANKS", "x")); !errors.Is(err, enquiry.ErrCannedExists) {
		t.Errorf("renaming r2 to another reply's name: %v, want ErrCannedExists", err)
	}
	if got, _ := s.CannedReply(ctx(t), "a", "r2"); got.Name != "hours" || got.Text != "We open at 9." {
		t.Errorf("after the refused rename r2 is %+v; want it unchanged", got)
	}
	if err := s.UpdateCanned(ctx(t), canned("a", "r1", "THANKS", "Thank you!")); err != nil {
		t.Errorf("changing the case of a reply's own name: %v", err)
	}
	mustCreateCanned(t, s, canned("b", "r1", "thanks", "Another channel's name and ID"))
	if got := fmt.Sprint(listCanned(t, s, "a")); got != "[r2:hours r1:THANKS]" {
		t.Fatalf("channel a's replies %s; want [r2:hours r1:THANKS]", got)
	}
}

func testCannedInvalid(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	for name, c := range map[string]enquiry.CannedReply{
		"no ID":                 canned("a", "", "x", "text"),
		"no channel":            canned("", "r1", "x", "text"),
		"no name":               canned("a", "r1", "", "text"),
		"a name with a space":   canned("a", "r1", "two words", "text"),
		"a name with a slash":   canned("a", "r1", "a/b", "text"),
		"a name over 40":        canned("a", "r1", "abcdefghijabcdefghijabcdefghijabcdefghijk", "text"),
		"a name not UTF-8":      canned("a", "r1", "x\xff", "text"),
		"a blank text":          canned("a", "r1", "x", "  "),
		"an unknown placholder": canned("a", "r1", "x", "Hi {nmae}"),
	} {
		err := s.CreateCanned(ctx(t), c)
		var ve *enquiry.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("CreateCanned with %s: %v, want a *ValidationError", name, err)
		}
	}
	err := s.CreateCanned(ctx(t), canned("a", "r1", "x", "Hi {nmae}"))
	if se, ok := errors.AsType[*automsg.SyntaxError](err); !ok || se.Kind != automsg.Canned || se.Tag != "{nmae}" {
		t.Errorf("CreateCanned with an unknown placeholder: %v, want automsg's *SyntaxError naming {nmae}", err)
	}
	if err := s.CreateCanned(ctx(t), canned("none", "r1", "x", "text")); !errors.Is(err, enquiry.ErrNotFound) {
		t.Errorf("CreateCanned in an unknown channel: %v, want ErrNotFound", err)
	}
	mustCreateCanned(t, s, canned("a", "r1", "x", "text"))
	if err := s.UpdateCanned(ctx(t), canned("a", "r1", "x", "{if staff}{staff}{end}")); !errors.Is(err, automsg.ErrBlank) {
		t.Errorf("UpdateCanned with a text that may render blank: %v, want automsg.ErrBlank", err)
	}
	if got := fmt.Sprint(listCanned(t, s, "a")); got != "[r1:x]" {
		t.Fatalf("after the refusals channel a's replies %s; want only [r1:x]", got)
	}
	if got, _ := s.CannedReply(ctx(t), "a", "r1"); got.Text != "text" {
		t.Fatalf("after the refused update r1's text is %q", got.Text)
	}
}

func testCannedDeleteChannel(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a", "b")
	mustCreateCanned(t, s, canned("a", "r1", "thanks", "Thank you!"))
	mustCreateCanned(t, s, canned("b", "r2", "thanks", "Thank you!"))
	if err := s.DeleteChannel(ctx(t), "a"); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, "a") // the same ID again: a new channel, without the old one's replies
	if got := listCanned(t, s, "a"); len(got) != 0 {
		t.Fatalf("a channel made again under a deleted one's ID has replies %v; want none", got)
	}
	if _, err := s.CannedReply(ctx(t), "a", "r1"); !errors.Is(err, enquiry.ErrNotFound) {
		t.Fatalf("CannedReply of a deleted channel's reply: %v, want ErrNotFound", err)
	}
	if got := fmt.Sprint(listCanned(t, s, "b")); got != "[r2:thanks]" {
		t.Fatalf("channel b's replies %s; want [r2:thanks]", got)
	}
}

func testCannedRace(t *testing.T, s enquiry.Store) {
	mustCreate(t, s, "a")
	const n = 16
	var (
		wg           sync.WaitGroup
		mu           sync.Mutex
		won, existed int
	)
	for i := range n {
		wg.Go(func() {
			name := "thanks"
			if i%2 == 1 {
				name = "THANKS"
			}
			err := s.CreateCanned(ctx(t), canned("a", fmt.Sprint("r", i), name, "Thank you!"))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, enquiry.ErrCannedExists):
				existed++
			default:
				t.Errorf("CreateCanned: %v", err)
			}
		})
	}
	wg.Wait()
	if won != 1 || existed != n-1 {
		t.Fatalf("%d creations won and %d found the name taken; want 1 and %d", won, existed, n-1)
	}
	if got := listCanned(t, s, "a"); len(got) != 1 {
		t.Fatalf("channel a has replies %v; want one", got)
	}
}
