// Package automsg renders the messages a channel sends on its own: Welcome
// (a customer's first message opens an enquiry), Away (no staff member can
// answer) and Close (staff or the system closes the enquiry). Each has a
// friendly default text, is off until switched on, and may be customised
// with placeholders; staff names appear in the channel's display-name
// format. It knows nothing of LINE or of enquiries.
//
// A host validates settings once, when they are saved, and renders many
// times:
//
//	compiled, err := settings.Compile() // err names any bad placeholder and where it is
//	text, on := compiled.Render(automsg.Welcome, automsg.Vars{Customer: name, Channel: channel})
//
// The zero Settings has all three messages off, with their default texts,
// and shows no staff names. Settings, Message, Kind and NameFormat encode
// as JSON for a settings API; Preview renders one message for a settings
// screen, whether it is on or off. Parse compiles a text on its own, with
// the same placeholders, checks and limits, as a Template: a canned reply
// that staff insert into a message of their own.
//
// # Placeholders
//
// A message's text is plain text with these tags, written exactly so:
//
//	{customer}     the customer's display name
//	{staff}        the staff member's name, in the channel's NameFormat
//	{channel}      the channel's name
//	{back}         when staff are next on duty, from the channel's office
//	               hours, as in "we will get back to you {back}"
//	{if NAME} … {end}             text written only when NAME is known
//	{if NAME} … {else} … {end}    … and text written when it is not
//	{{  }}         a literal "{" and "}"
//
// NAME is customer, staff, channel or back. Sections may be nested up to MaxDepth
// deep. A "{" must be closed by "}" on the same line, and a "}" must close
// a "{": anything else, and any name not listed above, is an error when the
// settings are compiled, reported as a *SyntaxError with the line and
// column. Tags are only ever replaced by text: substituted names are never
// read as tags, and nothing is executed.
//
// # Unknown names
//
// A value is unknown when it is empty or blank: a Welcome before any staff
// member attends, an enquiry closed by the system, a customer whose
// profile could not be read. The staff name is also unknown when the
// NameFormat is NameNone. An unknown value never leaves a hole such as
// "Hi, I'm .":
//
//   - {if NAME} sections let a text say something else entirely, as the
//     default texts do: "This enquiry has been closed{if staff} by {staff}{end}."
//   - A placeholder outside a section that tests it renders a neutral
//     fallback: {customer} "valued customer", {staff} "our team",
//     {channel} "us", {back} "as soon as we can".
//
// Compile refuses a text that could render blank (ErrBlank), such as one
// written entirely inside {if staff} … {end}, because LINE refuses blank
// text.
//
// # Length
//
// LINE accepts at most 4,999 UTF-16 code units (MaxUnits) per text message.
// The limit is enforced when the settings are compiled, never by cutting a
// message short: every placeholder reserves MaxValueUnits (100) units, and
// Compile refuses a text whose longest possible rendering, taking the longer
// branch of every section, exceeds MaxUnits (a *TooLongError). A name
// longer than its reserve — real display names are far shorter — is
// shortened with an ellipsis "…", cut only between whole characters: never
// inside a surrogate pair, before a combining mark, inside an emoji
// sequence joined by U+200D or modified by a skin tone, or between the two
// halves of a flag; white space (and a joiner) left before the ellipsis is
// dropped.
//
// # Names in any script
//
// Names are written as given, trimmed of surrounding white space. A name
// containing right-to-left letters (Hebrew, Arabic, …) is wrapped in the
// bidi isolation marks U+2068 … U+2069 so that it cannot reorder the text
// around it, and explicit bidi embedding, override and isolate controls
// (U+202A–U+202E, U+2066–U+2069) are dropped from names. A byte that is
// not UTF-8 is counted as one unit, as LINE receives it as U+FFFD.
//
// # Speed
//
// Compile does the parsing and validation once; Render walks a short list
// of operations and makes one allocation, the returned string. Run
// go test -run '^$' -bench Render ./automsg to measure it.
//
// Settings, Message, Staff and Vars are plain values; Compiled and Template
// are immutable.
// Everything in the package is safe for concurrent use.
package automsg
