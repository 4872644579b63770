// Package metrics holds pressbot's Prometheus metrics: releases by state,
// publish attempts by channel and result, queue lateness, and the time from
// a release appearing to its approval.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/pressbot/pressbot/internal/queue"
)

// StateCounter counts releases by state, read at scrape time.
type StateCounter func(ctx context.Context) (map[string]int, error)

// ApprovalTimes returns, for recent approvals, the time from the release
// being first seen to its approval, read at scrape time (approvals happen
// in this process, in the CLI or in another instance alike).
type ApprovalTimes func(ctx context.Context) ([]time.Duration, error)

// Sources are the store queries the metrics read at scrape time.
type Sources struct {
	States    StateCounter
	Approvals ApprovalTimes
}

// Metrics is the registry and the collectors pressbot updates.
type Metrics struct {
	reg      *prometheus.Registry
	attempts *prometheus.CounterVec
	lateness *prometheus.HistogramVec
	offer    prometheus.Histogram
}

// New registers every metric; the sources are queried on each scrape.
func New(src Sources, log *slog.Logger) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pressbot_publish_attempts_total",
			Help: "Publish attempts by channel and result (published, retrying, rate_limited, failed, auth, uncertain, cancelled).",
		}, []string{"channel", "result"}),
		lateness: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "pressbot_queue_lateness_seconds",
			Help:    "Time from a post's scheduled slot to the worker starting it.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300},
		}, []string{"channel"}),
		offer: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "pressbot_change_to_offer_seconds",
			Help:    "Time from noticing a content change to the approval request being sent.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10},
		}),
	}
	m.reg.MustRegister(m.attempts, m.lateness, m.offer,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&storeCollector{src: src, log: log})
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Notify implements queue.Notifier: it counts each send outcome and
// observes the lateness of first attempts.
func (m *Metrics) Notify(_ context.Context, ev queue.Event) {
	if ev.Kind == queue.EventMoved {
		return // not a send: the post waits for its channel's rules
	}
	m.attempts.WithLabelValues(ev.Channel, string(ev.Kind)).Inc()
	if ev.Attempt <= 1 && ev.Kind != queue.EventCancelled {
		m.lateness.WithLabelValues(ev.Channel).Observe(ev.Lateness.Seconds())
	}
}

// ObserveOffer records the time from a content change to its offer.
func (m *Metrics) ObserveOffer(d time.Duration) { m.offer.Observe(d.Seconds()) }

var (
	stateDesc    = prometheus.NewDesc("pressbot_releases", "Releases by state.", []string{"state"}, nil)
	approvalDesc = prometheus.NewDesc("pressbot_release_to_approval_seconds",
		"Time from a release first being seen to its approval (recent approvals).", nil, nil)
	approvalBuckets = prometheus.ExponentialBuckets(60, 2, 12) // 1 min … ~34 h
)

// storeCollector reads release counts and approval times at scrape time.
type storeCollector struct {
	src Sources
	log *slog.Logger
}

// Describe implements prometheus.Collector.
func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- stateDesc
	ch <- approvalDesc
}

// Collect implements prometheus.Collector.
func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if c.src.States != nil {
		counts, err := c.src.States(ctx)
		if err != nil {
			c.log.Warn("metrics: cannot count releases by state", "err", err)
		}
		for state, n := range counts {
			ch <- prometheus.MustNewConstMetric(stateDesc, prometheus.GaugeValue, float64(n), state)
		}
	}
	if c.src.Approvals != nil {
		times, err := c.src.Approvals(ctx)
		if err != nil {
			c.log.Warn("metrics: cannot read approval times", "err", err)
			return
		}
		ch <- approvalHistogram(times)
	}
}

// approvalHistogram builds a cumulative histogram of the durations.
func approvalHistogram(times []time.Duration) prometheus.Metric {
	buckets := make(map[float64]uint64, len(approvalBuckets))
	sum := 0.0
	for _, d := range times {
		sec := d.Seconds()
		sum += sec
		for _, b := range approvalBuckets {
			if sec <= b {
				buckets[b]++
			}
		}
	}
	return prometheus.MustNewConstHistogram(approvalDesc, uint64(len(times)), sum, buckets)
}
