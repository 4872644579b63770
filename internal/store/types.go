package store

import (
	"fmt"
	"time"

	"github.com/pressbot/pressbot/internal/release"
)

// Record is a release as stored: its current content, state, the approvals
// of the current hash and its posts.
type Record struct {
	ID             string
	Lang           string
	TranslationKey string
	Title          string
	Hash           string
	State          release.Status
	Commit         string
	// Release is the snapshot of the current content.
	Release release.Release
	// ApprovedHash and Approved are the content last approved (zero if
	// never), which is what was or will be published.
	ApprovedHash string
	Approved     *release.Release
	FirstSeen    time.Time
	Updated      time.Time
	Approvals    []Approval
	Posts        []PostRecord
}

// Approval is one approver's consent to one hash.
type Approval struct {
	Hash     string
	Approver Approver
	At       time.Time
	Channels []string
	// Requested is the publication time the approver asked for (zero: next
	// free slot).
	Requested time.Time
}

// Approver is who approves: an id within its kind ("telegram" user id, "cli"
// login) and a display name.
type Approver struct {
	Kind string
	ID   string
	Name string
}

// Actor returns the audit actor for a: "kind:id".
func (a Approver) Actor() string { return a.Kind + ":" + a.ID }

// PostRecord is one release's post on one channel.
type PostRecord struct {
	Channel string
	Hash    string
	// Gen counts the times the post was queued; a job carries it.
	Gen         int
	State       release.Status
	Attempts    int
	Post        release.Post
	ScheduledAt time.Time
	JobID       int64
	Receipt     *release.Receipt
	LastError   string
	PublishedAt time.Time
	Updated     time.Time
}

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	ID      int64
	At      time.Time
	Release string
	// Channel is empty for a release-level event.
	Channel string
	From    release.Status
	To      release.Status
	Event   string
	// Actor is "cli:USER", "telegram:ID" or "system".
	Actor  string
	Detail string
}

// ActorSystem is the audit actor of pressbot itself (worker, content sync).
const ActorSystem = "system"

// ChangeKind says what UpsertRelease found.
type ChangeKind int

// Change kinds.
const (
	// ChangeNew: first seen; now pending approval (or new if a draft).
	ChangeNew ChangeKind = iota + 1
	// ChangeUnchanged: same hash as stored.
	ChangeUnchanged
	// ChangeBeforeApproval: new content while awaiting approval; earlier
	// approvals of the old hash no longer count.
	ChangeBeforeApproval
	// ChangeAfterApproval: new content after approval; the pending jobs were
	// cancelled and the release awaits approval again.
	ChangeAfterApproval
	// ChangeAfterPublishing: new content after (some) posts went out; ask
	// whether to update them. Posts not yet sent were cancelled.
	ChangeAfterPublishing
	// ChangeWithdrawn: the front matter now says withdrawn; pending jobs
	// were cancelled.
	ChangeWithdrawn
)

// String returns the kind's name.
func (k ChangeKind) String() string {
	switch k {
	case ChangeNew:
		return "new"
	case ChangeUnchanged:
		return "unchanged"
	case ChangeBeforeApproval:
		return "changed_before_approval"
	case ChangeAfterApproval:
		return "changed_after_approval"
	case ChangeAfterPublishing:
		return "changed_after_publishing"
	case ChangeWithdrawn:
		return "withdrawn"
	}
	return fmt.Sprintf("change(%d)", int(k))
}

// Change is UpsertRelease's report.
type Change struct {
	Kind     ChangeKind
	PrevHash string
	State    release.Status
	// Cancelled lists the channels whose pending posts were cancelled.
	Cancelled []string
	// Unsent lists, for a release changed after publishing on some
	// channels, the channels not sent yet (UnsentAfterChange): cancelled
	// by this edit or an earlier one, they wait for an approval of the new
	// version.
	Unsent []string
	// RenamedFrom is the release's ID before its file was renamed
	// (RenameRelease), or "".
	RenamedFrom string
	// Repeats is another release with the same content whose file is
	// still there (the new file is a copy), and RepeatsState its state;
	// ingest sets them so that the officers are warned before they
	// publish the same press release twice.
	Repeats      string
	RepeatsState release.Status
}

// ListFilter selects releases for List. Zero fields match everything.
type ListFilter struct {
	States []release.Status
	Lang   string
	// TranslationKey selects the language versions of one release.
	TranslationKey string
	// Outdated adds, to the releases in States, those with a post
	// published from an older version that was neither updated nor kept.
	Outdated bool
	Limit    int
}

// PublishedRelease is a published release for the newsroom.
type PublishedRelease struct {
	// Release is the content that was approved and published.
	Release     release.Release
	PublishedAt time.Time
	// UpdatedAt is when its published posts were last updated to a newer
	// version (SettlePublished with an edit); PublishedAt if never.
	UpdatedAt time.Time
	Receipts  []release.Receipt
}
