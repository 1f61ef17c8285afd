package whatsapptest

import "net/http"

// Meta's error codes that the fake platform answers with, from the Cloud
// API's error code reference.
const (
	// CodeAuth (HTTP 401): the access token is missing, malformed or not
	// valid for the object.
	CodeAuth = 190
	// CodeInvalidParameter (HTTP 400): a parameter is missing, of the
	// wrong type or out of range; with subcode 33, an object (a media
	// ID) that does not exist.
	CodeInvalidParameter = 100
	// CodeReengagement (HTTP 400): a free-form message to a customer whose
	// last message is more than 24 hours old.
	CodeReengagement = 131047
	// CodeThroughput (HTTP 429): the phone number's message throughput
	// was reached.
	CodeThroughput = 130429
	// CodePairRateLimit (HTTP 429): too many messages from the business
	// number to one customer in a short time.
	CodePairRateLimit = 131056
	// CodeMediaUpload (HTTP 400): the media of a send cannot be used
	// (its type or size is not allowed).
	CodeMediaUpload = 131053
	// CodePermission (HTTP 403): the token lacks the permission the call
	// needs (e.g. whatsapp_business_management).
	CodePermission = 200
	// CodeUnknown (HTTP 500): "Something went wrong", which Meta says to
	// retry.
	CodeUnknown = 131000
)

// Subcodes of CodeAuth and CodeInvalidParameter the fake answers with.
const (
	// SubcodeTokenExpired (with CodeAuth): the token's session expired.
	SubcodeTokenExpired = 463
	// SubcodeNoObject (with CodeInvalidParameter): no object of that ID,
	// or the token may not see it.
	SubcodeNoObject = 33
)

// apiError is the error object of Meta's Graph API answers:
// {"error":{"message","type","code","error_subcode","error_data","fbtrace_id"}}.
type apiError struct {
	Message   string     `json:"message"`
	Type      string     `json:"type"`
	Code      int        `json:"code"`
	Subcode   int        `json:"error_subcode,omitempty"`
	ErrorData *errorData `json:"error_data,omitempty"`
	TraceID   string     `json:"fbtrace_id"`
}

type errorData struct {
	MessagingProduct string `json:"messaging_product"`
	Details          string `json:"details"`
}

type errorBody struct {
	Error apiError `json:"error"`
}

// metaError builds an error answer for code with Meta's wording and HTTP
// status; details, when given, is error_data.details.
func metaError(code int, details string) answer {
	e := apiError{Code: code, Type: "OAuthException"}
	status := http.StatusBadRequest
	switch code {
	case CodeAuth:
		status, e.Message = http.StatusUnauthorized, "Invalid OAuth access token - Cannot parse access token"
	case CodeInvalidParameter:
		e.Message = "(#100) Invalid parameter"
	case CodeReengagement:
		e.Message = "(#131047) Re-engagement message"
		if details == "" {
			details = "Message failed to send because more than 24 hours have passed since the customer last replied to this number."
		}
	case CodeThroughput:
		status, e.Message = http.StatusTooManyRequests, "(#130429) Rate limit hit"
		if details == "" {
			details = "Cloud API message throughput has been reached."
		}
	case CodePairRateLimit:
		status, e.Message = http.StatusTooManyRequests, "(#131056) (Business Account, Consumer Account) pair rate limit hit"
		if details == "" {
			details = "Too many messages sent from the sender phone number to the same recipient phone number in a short period of time."
		}
	case CodePermission:
		status, e.Message = http.StatusForbidden, "(#200) Permissions error"
	case CodeMediaUpload:
		e.Message = "(#131053) Media upload error"
	case CodeUnknown:
		status, e.Message = http.StatusInternalServerError, "(#131000) Something went wrong"
	}
	if details != "" {
		e.ErrorData = &errorData{MessagingProduct: "whatsapp", Details: details}
	}
	return answer{status: status, body: errorBody{Error: e}, code: code}
}
