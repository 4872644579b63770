package facebook

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/pressbot/pressbot/internal/release"
)

// Waits derived from the usage headers.
const (
	minThrottleWait = time.Minute
	maxThrottleWait = time.Hour
	// maxRegainWait caps estimated_time_to_regain_access (BUC limits are
	// counted over 24 hours).
	maxRegainWait = 24 * time.Hour
)

// classify turns an error of do into a *release.SendError with advice for
// a human where there is one.
func classify(err error) *release.SendError {
	var (
		ae    *APIError
		ne    *netError
		class = release.ClassTransient
		wait  time.Duration
		hint  string
	)
	switch {
	case errors.As(err, &ae):
		class, wait, hint = classOf(ae)
	case errors.As(err, &ne) && ne.wrote && ne.creates:
		class = release.ClassUncertain
		hint = "the request reached Facebook but no answer came: the post may be on the Page; look before retrying"
	}
	if hint != "" {
		err = fmt.Errorf("%s: %w", hint, err)
	}
	return &release.SendError{Class: class, RetryAfter: wait, Err: err}
}

// classOf decides the class of a Graph error by its code, following
// https://developers.facebook.com/docs/graph-api/guides/error-handling:
// retry only 1, 2, 341 and the throttling codes 4, 17, 32 and 613 (rate
// limited when the usage headers say for how long, else transient); 102,
// 190, 3, 10 and 200–299 are the token's or the app's permissions; every
// other code is permanent. A 506 (duplicate) is handled by Publish.
func classOf(e *APIError) (release.ErrorClass, time.Duration, string) {
	switch c := e.Code; {
	case c == 190:
		return release.ClassAuth, 0, "Facebook token expired (code 190): create a new Page token"
	case c == 102:
		return release.ClassAuth, 0, "Facebook session is no longer valid (code 102): create a new Page token"
	case c == 10 || (c >= 200 && c <= 299):
		return release.ClassAuth, 0, fmt.Sprintf("Facebook denied permission (code %d): the Page token needs pages_manage_posts and pages_read_engagement, granted by someone with the Create content task on the Page", c)
	case c == 3:
		return release.ClassAuth, 0, "the app lacks a capability for this call (code 3): check the app's permissions and features in the App Dashboard"
	case c == 100 && strings.Contains(e.Message, "appsecret_proof"):
		return release.ClassAuth, 0, "Facebook rejected appsecret_proof (code 100): app_secret must be the secret of the app that issued the Page token"
	case c == 1 || c == 2 || c == 341:
		return release.ClassTransient, 0, ""
	case c == 4 || c == 17 || c == 32 || c == 613:
		if wait, ok := usageWait(e.header); ok {
			return release.ClassRateLimited, wait, ""
		}
		return release.ClassTransient, 0, ""
	case c == 368:
		return release.ClassPermanent, 0, "Facebook blocked posting for a policy violation (code 368): check the Page's Support Inbox"
	case c == 0 && e.Status >= 500:
		return release.ClassTransient, 0, ""
	}
	return release.ClassPermanent, 0, ""
}

// usage is one object of a usage header: percentages of the limits used,
// and (Business Use Case) the minutes until calls are allowed again.
type usage struct {
	CallCount    float64 `json:"call_count"`
	TotalCPUTime float64 `json:"total_cputime"`
	TotalTime    float64 `json:"total_time"`
	RegainAccess float64 `json:"estimated_time_to_regain_access"`
}

// usageWait derives how long to back off from the rate-limit headers of a
// throttled answer (https://developers.facebook.com/docs/graph-api/overview/rate-limiting):
// the largest estimated_time_to_regain_access (minutes) of
// X-Business-Use-Case-Usage, X-Page-Usage or X-App-Usage when one is given
// (at most 24 h);
// otherwise, from the highest percentage used p ≥ 100 in the rolling
// one-hour window, the time for the count to fall under the limit at an
// even pace, 1 h × (1 − 100/p), kept within [1 min, 1 h]. ok is false when
// no header is present.
func usageWait(h http.Header) (time.Duration, bool) {
	var all []usage
	if v := h.Get("X-Business-Use-Case-Usage"); v != "" {
		var buc map[string][]usage
		if json.Unmarshal([]byte(v), &buc) == nil {
			for _, us := range buc {
				all = append(all, us...)
			}
		}
	}
	for _, name := range []string{"X-Page-Usage", "X-App-Usage"} {
		var u usage
		if v := h.Get(name); v != "" && json.Unmarshal([]byte(v), &u) == nil {
			all = append(all, u)
		}
	}
	if len(all) == 0 {
		return 0, false
	}
	var regain, pct float64
	for _, u := range all {
		regain = math.Max(regain, u.RegainAccess)
		pct = math.Max(pct, math.Max(u.CallCount, math.Max(u.TotalCPUTime, u.TotalTime)))
	}
	if regain > 0 {
		return time.Duration(math.Ceil(min(regain, maxRegainWait.Minutes()))) * time.Minute, true
	}
	wait := minThrottleWait
	if pct > 100 {
		wait = time.Duration(float64(time.Hour) * (1 - 100/pct)).Round(time.Second)
	}
	return min(max(wait, minThrottleWait), maxThrottleWait), true
}
