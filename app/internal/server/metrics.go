package server

import (
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gin-deploy/app/internal/version"
)

// requestMetrics counts requests and their latencies by method, route and status.
type requestMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// series caches the children per label set, sparing a label hash per request.
	series sync.Map // seriesKey -> *seriesPair
}

type seriesKey struct {
	method, route string
	status        int
}

type seriesPair struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

func newRequestMetrics(reg prometheus.Registerer) *requestMetrics {
	labels := []string{"method", "route", "status"}
	m := &requestMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total",
			Help: "HTTP requests served, by method, route pattern and status code.",
		}, labels),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_request_duration_seconds",
			Help:    "HTTP request latency, by method, route pattern and status code.",
			Buckets: prometheus.DefBuckets,
		}, labels),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// record counts one request and its latency.
func (m *requestMetrics) record(method, route string, status int, elapsed time.Duration) {
	key := seriesKey{method, route, status}
	pair, ok := m.series.Load(key)
	if !ok {
		values := []string{method, route, strconv.Itoa(status)}
		pair, _ = m.series.LoadOrStore(key, &seriesPair{
			requests: m.requests.WithLabelValues(values...),
			duration: m.duration.WithLabelValues(values...),
		})
	}
	p := pair.(*seriesPair)
	p.requests.Inc()
	p.duration.Observe(elapsed.Seconds())
}

// buildInfoGauge exposes the running version as labels, the usual Prometheus idiom.
func buildInfoGauge(info version.Info) prometheus.Collector {
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "gin_app_build_info",
		Help: "Always 1; the labels describe the running build.",
		ConstLabels: prometheus.Labels{
			"version": info.Version, "commit": info.Commit, "goversion": info.GoVersion,
		},
	})
	g.Set(1)
	return g
}
