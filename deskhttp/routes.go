package deskhttp

import "net/http"

// routes is the API's route table: each route with the role it needs.
// Reading needs only a valid credential.
func (h *Handler) routes() {
	m := routeTable{mux: h.mux, patterns: &h.patterns}
	m.HandleFunc("GET "+openAPIPath, serveOpenAPI)
	m.HandleFunc("GET /api/config", h.config)
	m.HandleFunc("GET /api/enquiries", h.listEnquiries)
	m.HandleFunc("GET /api/enquiries/{id}", h.getEnquiry)
	m.HandleFunc("POST /api/enquiries/{id}/attend", need(RoleStaff, h.attend))
	m.HandleFunc("POST /api/enquiries/{id}/messages", need(RoleStaff, h.send))
	m.HandleFunc("POST /api/enquiries/{id}/media", need(RoleStaff, h.uploadMedia))
	m.HandleFunc("POST /api/enquiries/{id}/read", need(RoleStaff, h.markRead))
	m.HandleFunc("POST /api/enquiries/{id}/seen", need(RoleStaff, h.seen))
	m.HandleFunc("POST /api/enquiries/{id}/close", need(RoleStaff, h.close))
	m.HandleFunc("POST /api/enquiries/{id}/transfer", need(RoleStaff, h.transfer))
	m.HandleFunc("POST /api/enquiries/{id}/invite", need(RoleStaff, h.invite))
	m.HandleFunc("GET /api/enquiries/{id}/customer", h.getCustomer)
	m.HandleFunc("GET /api/search", need(RoleStaff, h.search))
	m.HandleFunc("GET /api/channels", h.listChannels)
	m.HandleFunc("POST /api/channels", need(RoleAdmin, h.createChannel))
	m.HandleFunc("GET /api/channels/{id}", h.getChannel)
	m.HandleFunc("PUT /api/channels/{id}", need(RoleAdmin, h.editChannel))
	m.HandleFunc("PATCH /api/channels/{id}", need(RoleAdmin, h.editChannel))
	m.HandleFunc("POST /api/channels/{id}/suspend", need(RoleAdmin, h.suspendChannel))
	m.HandleFunc("POST /api/channels/{id}/resume", need(RoleAdmin, h.resumeChannel))
	m.HandleFunc("DELETE /api/channels/{id}", need(RoleAdmin, h.deleteChannel))
	m.HandleFunc("POST /api/channels/{id}/check", need(RoleAdmin, h.serveCheck))
	m.HandleFunc("GET /api/channels/{id}/quota", h.getQuota)
	m.HandleFunc("GET /api/channels/{id}/replies", h.listCanned)
	m.HandleFunc("POST /api/channels/{id}/replies", need(RoleAdmin, h.createCanned))
	m.HandleFunc("POST /api/channels/{id}/replies/preview", h.previewCanned)
	m.HandleFunc("PATCH /api/channels/{id}/replies/{replyID}", need(RoleAdmin, h.editCanned))
	m.HandleFunc("DELETE /api/channels/{id}/replies/{replyID}", need(RoleAdmin, h.deleteCanned))
	m.HandleFunc("POST /api/preview", h.preview)
	m.HandleFunc("POST /api/session", h.signIn)
	m.HandleFunc("DELETE /api/session", h.signOut)
	m.HandleFunc("GET /api/session", h.whoAmI)
	m.HandleFunc("GET /api/staff", h.listStaff)
	m.HandleFunc("POST /api/staff", need(RoleAdmin, h.createStaff))
	m.HandleFunc("PATCH /api/staff/{id}", need(RoleAdmin, h.editStaff))
	m.HandleFunc("GET /api/staff/{id}/tokens", need(RoleAdmin, h.listTokens))
	m.HandleFunc("POST /api/staff/{id}/tokens", need(RoleAdmin, h.newToken))
	m.HandleFunc("DELETE /api/staff/{id}/tokens/{tokenID}", need(RoleAdmin, h.revokeToken))
	m.HandleFunc("POST /api/staff/{id}/presence", need(RoleStaff, h.setPresence))
	m.HandleFunc("GET /api/reports", h.getReport)
	m.HandleFunc("GET /api/media/{key...}", h.getMedia)
	m.HandleFunc("GET "+signedMediaPath+"{key...}", h.serveSigned)
	m.Handle("GET "+eventsPath, h.streams)
	m.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no such API endpoint: "+r.Method+" "+r.URL.Path)
	})
	m.Handle("/", consoleHandler())
}

// routeTable registers routes on a mux and keeps their patterns, so that
// the API reference's test can compare them with the document.
type routeTable struct {
	mux      *http.ServeMux
	patterns *[]string
}

func (t routeTable) HandleFunc(pattern string, f http.HandlerFunc) { t.Handle(pattern, f) }

func (t routeTable) Handle(pattern string, h http.Handler) {
	t.mux.Handle(pattern, h)
	*t.patterns = append(*t.patterns, pattern)
}
