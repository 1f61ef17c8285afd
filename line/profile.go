package line

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/socialdesk/socialdesk/enquiry"
)

const (
	endpointProfile    = "GET /v2/bot/profile/{userId}"
	maxProfilesCached  = 100_000
	negativeTTLDivisor = 10
)

// Profile is what LINE tells about a user. A zero DisplayName means LINE
// gives no profile: the user blocked the account, is not a friend, or
// does not exist.
type Profile struct {
	UserID      string `json:"userId"`
	DisplayName string `json:"displayName"`
	PictureURL  string `json:"pictureUrl,omitempty"`
	Language    string `json:"language,omitempty"`
}

// Profile returns the user's profile as the channel sees it, from a cache
// kept for Config.ProfileTTL. A user LINE gives no profile for (404) is
// not an error: the profile has only UserID, and is cached for a tenth of
// the TTL. Without the channel's token LINE is not asked: ErrNoToken.
// Profile is safe for concurrent use.
func (c *Client) Profile(ctx context.Context, ch enquiry.Channel, userID string) (Profile, error) {
	if userID == "" {
		return Profile{}, ErrNoRecipient
	}
	key := ch.ID + "\x00" + userID
	now := c.clock.Now()
	if p, ok := c.profiles.Get(key, now); ok {
		return p, nil
	}
	var p Profile
	k := c.request("profile", endpointProfile, ch, nil)
	k.URL = c.cfg.APIBase + "/v2/bot/profile/" + url.PathEscape(userID)
	_, err := c.getJSON(ctx, k, &p)
	ttl := c.cfg.ProfileTTL
	var le *Error
	switch {
	case errors.As(err, &le) && le.Status == http.StatusNotFound:
		p, ttl = Profile{UserID: userID}, ttl/negativeTTLDivisor
	case err != nil:
		return Profile{}, err
	}
	p.UserID = userID
	c.profiles.Put(key, p, c.clock.Now().Add(ttl))
	return p, nil
}

var _ enquiry.Profiler = (*Client)(nil)

// CustomerProfile returns the customer's LINE display name and picture
// for the desk's customer panel, from Profile and its cache. It
// implements enquiry.Profiler and is safe for concurrent use.
func (c *Client) CustomerProfile(ctx context.Context, ch enquiry.Channel, customer string) (enquiry.Profile, error) {
	p, err := c.Profile(ctx, ch, customer)
	if err != nil {
		return enquiry.Profile{}, err
	}
	return enquiry.Profile{ID: customer, Name: p.DisplayName, PictureURL: p.PictureURL}, nil
}
