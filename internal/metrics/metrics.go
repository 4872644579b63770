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

// Metrics is the registry and the collectors pressbot updates.
type Metrics struct {
	reg      *prometheus.Registry
	attempts *prometheus.CounterVec
	lateness *prometheus.HistogramVec
	approval prometheus.Histogram
	offer    prometheus.Histogram
}

// New registers every metric; states is queried on each scrape.
func New(states StateCounter, log *slog.Logger) *Metrics {
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
		approval: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "pressbot_release_to_approval_seconds",
			Help:    "Time from a release (hash) first being seen to its approval.",
			Buckets: prometheus.ExponentialBuckets(60, 2, 12), // 1 min … ~34 h
		}),
		offer: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "pressbot_change_to_offer_seconds",
			Help:    "Time from noticing a content change to the approval request being sent.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10},
		}),
	}
	m.reg.MustRegister(m.attempts, m.lateness, m.approval, m.offer,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&stateCollector{count: states, log: log})
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Notify implements queue.Notifier: it counts each send outcome and
// observes the lateness of first attempts.
func (m *Metrics) Notify(_ context.Context, ev queue.Event) {
	m.attempts.WithLabelValues(ev.Channel, string(ev.Kind)).Inc()
	if ev.Attempt <= 1 && ev.Kind != queue.EventCancelled {
		m.lateness.WithLabelValues(ev.Channel).Observe(ev.Lateness.Seconds())
	}
}

// ObserveApproval records the time from a release being seen to approval.
func (m *Metrics) ObserveApproval(d time.Duration) { m.approval.Observe(d.Seconds()) }

// ObserveOffer records the time from a content change to its offer.
func (m *Metrics) ObserveOffer(d time.Duration) { m.offer.Observe(d.Seconds()) }

var stateDesc = prometheus.NewDesc("pressbot_releases", "Releases by state.", []string{"state"}, nil)

// stateCollector reads release counts from the store at scrape time.
type stateCollector struct {
	count StateCounter
	log   *slog.Logger
}

// Describe implements prometheus.Collector.
func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) { ch <- stateDesc }

// Collect implements prometheus.Collector.
func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := c.count(ctx)
	if err != nil {
		c.log.Warn("metrics: cannot count releases by state", "err", err)
		return
	}
	for state, n := range counts {
		ch <- prometheus.MustNewConstMetric(stateDesc, prometheus.GaugeValue, float64(n), state)
	}
}
