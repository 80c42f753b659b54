// Package server is chainkg's HTTP server (Echo v4): GraphQL over HTTP on
// /graphql (the GraphQL-over-HTTP draft: POST and GET, content negotiation,
// status codes), the embedded GraphiQL page, health and readiness probes,
// bearer-token authentication for mutations, a CORS allowlist, body and
// time limits, request logging and graceful shutdown.
//
// It does not know the GraphQL schema: it runs requests through an
// Executor, which cmd/chainkg wires to package schema.
package server

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// Executor runs one GraphQL request.
type Executor interface {
	Execute(ctx context.Context, req Request) Result
}

// Pinger checks that the store is reachable (readiness).
type Pinger interface {
	Ping(ctx context.Context) error
}

// Request is one GraphQL request as the transport decoded it.
type Request struct {
	Query         string
	OperationName string
	Variables     map[string]any
	// ReadOnly is set for GET: the executor refuses mutations.
	ReadOnly bool
	// Caller is the name of the bearer token's owner, "" when anonymous.
	Caller string
}

// Outcome classifies a Result; the transport maps it to a status.
type Outcome int

// Outcomes (the same order as schema.Outcome).
const (
	Executed Outcome = iota
	BadRequest
	ParseFailed
	ValidationFailed
	LimitExceeded
	MutationNotAllowed
)

// Result is the executor's answer. Data is absent when HasData is false.
type Result struct {
	Outcome Outcome
	HasData bool
	Data    any
	Errors  []Error
}

// Error is one GraphQL error.
type Error struct {
	Message    string         `json:"message"`
	Locations  []Location     `json:"locations,omitempty"`
	Path       []any          `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// Location is a position in the GraphQL document.
type Location struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Config is the server's configuration (plain data; cmd/chainkg fills it).
type Config struct {
	Executor Executor
	Ready    Pinger
	// GraphiQL is the page's bundle (index.html at its root), served at
	// GraphiQLBase (default /graphiql/) and on GET /graphql for browsers.
	GraphiQL     fs.FS
	GraphiQLBase string
	// Tokens maps bearer tokens to their owner's name (stamped on writes).
	// Without tokens every mutation is refused.
	Tokens map[string]string
	// CORSOrigins are the origins allowed to call the API from a browser
	// ("*" allows any). Default: none.
	CORSOrigins []string
	// MaxBodyBytes caps a request body (default 64 KiB): 413 beyond.
	MaxBodyBytes int64
	// Timeout is the request deadline passed down to the store (default 15 s).
	Timeout time.Duration
	// ValidationStatus is the status of parse and validation failures with
	// application/graphql-response+json (default 400; 422 per the newest
	// draft).
	ValidationStatus int
	// Log receives one line per request (default os.Stderr; io.Discard to
	// silence).
	Log io.Writer
}

// Defaults.
const (
	DefaultMaxBody = 64 << 10
	DefaultTimeout = 15 * time.Second
)

const (
	mediaGraphQLResponse = "application/graphql-response+json"
	mediaJSON            = "application/json"
)

// Server is the HTTP server.
type Server struct {
	cfg  Config
	echo *echo.Echo
}

// New builds the server.
func New(cfg Config) *Server {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBody
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.ValidationStatus == 0 {
		cfg.ValidationStatus = http.StatusBadRequest
	}
	if cfg.Log == nil {
		cfg.Log = os.Stderr
	}
	if cfg.GraphiQLBase == "" {
		cfg.GraphiQLBase = "/graphiql/"
	}
	if !strings.HasSuffix(cfg.GraphiQLBase, "/") {
		cfg.GraphiQLBase += "/"
	}
	s := &Server{cfg: cfg, echo: echo.New()}
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.Logger.SetOutput(io.Discard)
	e.HTTPErrorHandler = s.errorHandler
	e.Use(s.logRequests, s.recoverPanics, s.cors)

	e.GET("/graphql", s.graphqlGET)
	e.POST("/graphql", s.graphqlPOST)
	e.Match([]string{http.MethodPut, http.MethodPatch, http.MethodDelete}, "/graphql", func(c echo.Context) error {
		c.Response().Header().Set("Allow", "GET, POST")
		return c.JSON(http.StatusMethodNotAllowed, errorBody("method not allowed: use GET or POST", "METHOD_NOT_ALLOWED"))
	})
	base := strings.TrimSuffix(cfg.GraphiQLBase, "/")
	e.GET(base, s.graphiqlIndex)
	e.GET(base+"/", s.graphiqlIndex)
	e.GET(base+"/*", s.graphiqlAsset)
	e.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
	e.GET("/readyz", s.readyz)
	e.GET("/", func(c echo.Context) error { return c.Redirect(http.StatusFound, cfg.GraphiQLBase) })
	return s
}

// Handler returns the HTTP handler (for tests and embedding).
func (s *Server) Handler() http.Handler { return s.echo }

// Serve serves on ln until ctx is cancelled, then shuts down gracefully
// (in-flight requests get up to 10 s).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.echo,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      s.cfg.Timeout + 15*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// errorBody is a non-GraphQL error response ({"errors":[...]} without data,
// so GraphQL clients can read it too).
func errorBody(msg, code string) map[string]any {
	return map[string]any{"errors": []Error{{Message: msg, Extensions: map[string]any{"code": code}}}}
}

func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := http.StatusInternalServerError
	msg := "internal error"
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status = he.Code
		msg = fmt.Sprint(he.Message)
	}
	code := strings.ToUpper(strings.ReplaceAll(http.StatusText(status), " ", "_"))
	if status == http.StatusMethodNotAllowed {
		// Echo sets Allow for routes that exist with other methods.
		code = "METHOD_NOT_ALLOWED"
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = c.JSON(status, errorBody(msg, code))
}

func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				fmt.Fprintf(s.cfg.Log, "panic serving %s %s: %v\n", c.Request().Method, c.Request().URL.Path, r)
				err = echo.NewHTTPError(http.StatusInternalServerError, "internal error")
			}
		}()
		return next(c)
	}
}

func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		r := c.Request()
		fmt.Fprintf(s.cfg.Log, "%s %s %s %d %dB %s\n", time.Now().UTC().Format("15:04:05"), r.Method, r.URL.Path,
			c.Response().Status, c.Response().Size, time.Since(start).Round(time.Microsecond))
		return nil
	}
}

// cors implements an explicit allowlist (Echo's CORS middleware allows
// every origin by default, which we never want).
func (s *Server) cors(next echo.HandlerFunc) echo.HandlerFunc {
	allowed := map[string]bool{}
	anyOrigin := false
	for _, o := range s.cfg.CORSOrigins {
		if o == "*" {
			anyOrigin = true
		}
		allowed[strings.TrimSuffix(o, "/")] = true
	}
	return func(c echo.Context) error {
		origin := c.Request().Header.Get("Origin")
		h := c.Response().Header()
		if origin == "" || (!anyOrigin && !allowed[origin]) {
			if origin != "" {
				h.Add("Vary", "Origin")
			}
			return next(c)
		}
		h.Add("Vary", "Origin")
		h.Set("Access-Control-Allow-Origin", origin)
		if c.Request().Method == http.MethodOptions && c.Request().Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization, Accept")
			h.Set("Access-Control-Max-Age", "600")
			return c.NoContent(http.StatusNoContent)
		}
		return next(c)
	}
}

func (s *Server) readyz(c echo.Context) error {
	if s.cfg.Ready == nil {
		return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), 5*time.Second)
	defer cancel()
	if err := s.cfg.Ready.Ping(ctx); err != nil {
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": err.Error()})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// caller maps the Authorization header to a token owner ("" if none).
func (s *Server) caller(r *http.Request) string {
	h := r.Header.Get("Authorization")
	const prefix = "bearer "
	if len(h) <= len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return ""
	}
	tok := strings.TrimSpace(h[len(prefix):])
	name := ""
	for t, n := range s.cfg.Tokens {
		if t != "" && subtle.ConstantTimeCompare([]byte(t), []byte(tok)) == 1 {
			name = n
		}
	}
	return name
}
