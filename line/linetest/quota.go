package linetest

import "net/http"

// Quota is a channel's monthly message quota, as LINE keeps it: pushes
// count against it, one per recipient however many messages a request
// holds; replies are free. The zero Quota is LINE's type "none": no
// target limit.
type Quota struct {
	// Limited makes the quota LINE's type "limited": once Limit pushes
	// went out this month, every push is answered 429 "You have reached
	// your monthly limit." and not carried out.
	Limited bool
	Limit   int64
}

// SetQuota sets the channel's monthly message quota (default: none).
// What was sent this month still counts; see SetConsumption.
func (p *Platform) SetQuota(botUserID string, q Quota) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.quotas[botUserID] = q
}

// SetConsumption sets how many messages the channel sent this month, as
// the month turning (0) or pushes made elsewhere would.
func (p *Platform) SetConsumption(botUserID string, used int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.used[botUserID] = used
}

// Consumption returns how many messages the channel sent this month: one
// per recipient of each accepted push.
func (p *Platform) Consumption(botUserID string) int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.used[botUserID]
}

// quotaUsedUp reports whether the channel's limited quota is used up.
// p.mu is held.
func (p *Platform) quotaUsedUp(bot string) bool {
	q := p.quotas[bot]
	return q.Limited && p.used[bot] >= q.Limit
}

// quota serves GET /v2/bot/message/quota: {"type":"none"}, or
// {"type":"limited","value":N}. p.mu is held.
func (p *Platform) quota(r *request) answer {
	q := p.quotas[r.ch.BotUserID]
	if !q.Limited {
		return answer{status: http.StatusOK, body: map[string]any{"type": "none"}}
	}
	return answer{status: http.StatusOK, body: map[string]any{"type": "limited", "value": q.Limit}}
}

// consumption serves GET /v2/bot/message/quota/consumption:
// {"totalUsage":N}. p.mu is held.
func (p *Platform) consumption(r *request) answer {
	return answer{status: http.StatusOK, body: map[string]any{"totalUsage": p.used[r.ch.BotUserID]}}
}
