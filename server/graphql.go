package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// GraphiQLCSP is the Content-Security-Policy of the GraphiQL page: nothing
// but the server's own origin, no eval (GraphiQL 5 and Monaco run without
// it). Monaco injects style elements, hence 'unsafe-inline' for styles
// only; its language workers are same-origin scripts (worker-src 'self').
// web/README.md records how this was checked in headless Chromium.
const GraphiQLCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// apiCSP goes on API responses: they are data, never documents.
const apiCSP = "default-src 'none'; frame-ancestors 'none'"

// negotiate picks the response media type from Accept: graphql-response+json
// when the client lists it (and prefers it at least as much as
// application/json), application/json for legacy clients, */* and a missing
// header, "" when nothing acceptable is listed. html reports that the client
// asks for a page (text/html listed, no JSON type).
func negotiate(accept string) (media string, html bool) {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON, false
	}
	qGQL, qJSON, qAny, qHTML := -1.0, -1.0, -1.0, -1.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		set := func(p *float64) {
			if q > *p {
				*p = q
			}
		}
		switch mt {
		case mediaGraphQLResponse:
			set(&qGQL)
		case mediaJSON:
			set(&qJSON)
		case "*/*", "application/*":
			set(&qAny)
		case "text/html":
			set(&qHTML)
		}
	}
	switch {
	case qGQL > 0 && qGQL >= qJSON:
		return mediaGraphQLResponse, false
	case qJSON > 0:
		return mediaJSON, false
	case qHTML > 0:
		return "", true
	case qAny > 0:
		return mediaJSON, false
	}
	return "", false
}

func (s *Server) graphqlGET(c echo.Context) error {
	r := c.Request()
	media, html := negotiate(r.Header.Get("Accept"))
	if html {
		return s.graphiqlIndex(c)
	}
	if media == "" {
		return c.JSON(http.StatusNotAcceptable, errorBody("not acceptable: ask for application/graphql-response+json or application/json", "NOT_ACCEPTABLE"))
	}
	q := r.URL.Query()
	req := Request{Query: q.Get("query"), OperationName: q.Get("operationName"), ReadOnly: true, Caller: s.caller(r)}
	if req.Query == "" {
		return s.requestError(c, media, "the request has no query")
	}
	if v := q.Get("variables"); v != "" {
		if err := decodeObject([]byte(v), &req.Variables); err != nil {
			return s.requestError(c, media, "variables must be a JSON object")
		}
	}
	if v := q.Get("extensions"); v != "" {
		var ext map[string]any
		if err := decodeObject([]byte(v), &ext); err != nil {
			return s.requestError(c, media, "extensions must be a JSON object")
		}
	}
	return s.execute(c, media, req)
}

func (s *Server) graphqlPOST(c echo.Context) error {
	r := c.Request()
	media, _ := negotiate(r.Header.Get("Accept"))
	if media == "" {
		return c.JSON(http.StatusNotAcceptable, errorBody("not acceptable: ask for application/graphql-response+json or application/json", "NOT_ACCEPTABLE"))
	}
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != mediaJSON {
		// Form and multipart bodies are refused too: they are what a
		// cross-site form can send without a CORS preflight.
		return c.JSON(http.StatusUnsupportedMediaType, errorBody("unsupported media type: POST application/json", "UNSUPPORTED_MEDIA_TYPE"))
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return c.JSON(http.StatusRequestEntityTooLarge, errorBody("request body larger than "+strconv.FormatInt(s.cfg.MaxBodyBytes, 10)+" bytes", "PAYLOAD_TOO_LARGE"))
		}
		return s.requestError(c, media, "cannot read the request body")
	}
	var raw map[string]json.RawMessage
	if err := decodeObject(body, &raw); err != nil {
		return s.requestError(c, media, "the body must be a JSON object: "+err.Error())
	}
	req := Request{Caller: s.caller(r)}
	if err := optional(raw["query"], &req.Query); err != nil {
		return s.requestError(c, media, "query must be a string")
	}
	if err := optional(raw["operationName"], &req.OperationName); err != nil {
		return s.requestError(c, media, "operationName must be a string")
	}
	if v, ok := raw["variables"]; ok && !isNull(v) {
		if err := decodeObject(v, &req.Variables); err != nil {
			return s.requestError(c, media, "variables must be a JSON object")
		}
	}
	if v, ok := raw["extensions"]; ok && !isNull(v) {
		var ext map[string]any
		if err := decodeObject(v, &ext); err != nil {
			return s.requestError(c, media, "extensions must be a JSON object")
		}
	}
	if req.Query == "" {
		return s.requestError(c, media, "the request has no query")
	}
	return s.execute(c, media, req)
}

func isNull(v json.RawMessage) bool { return string(bytes.TrimSpace(v)) == "null" }

// optional decodes a string that may be absent or null.
func optional(v json.RawMessage, dst *string) error {
	if v == nil || isNull(v) {
		return nil
	}
	return json.Unmarshal(v, dst)
}

// decodeObject decodes exactly one JSON object.
func decodeObject(b []byte, dst any) error {
	t := bytes.TrimSpace(b)
	if len(t) == 0 || t[0] != '{' {
		return errors.New("not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(t))
	if err := dec.Decode(dst); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}

// requestError answers a malformed GraphQL-over-HTTP request: 400, no data.
func (s *Server) requestError(c echo.Context, media, msg string) error {
	return s.write(c, media, http.StatusBadRequest, Result{Errors: []Error{{Message: msg, Extensions: map[string]any{"code": "BAD_REQUEST"}}}})
}

func (s *Server) execute(c echo.Context, media string, req Request) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), s.cfg.Timeout)
	defer cancel()
	res := s.cfg.Executor.Execute(ctx, req)
	status := http.StatusOK
	switch res.Outcome {
	case MutationNotAllowed:
		c.Response().Header().Set("Allow", "POST")
		status = http.StatusMethodNotAllowed
	case LimitExceeded:
		status = http.StatusBadRequest
	case BadRequest, ParseFailed:
		if media == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
	case ValidationFailed:
		if media == mediaGraphQLResponse {
			status = s.cfg.ValidationStatus
		}
	}
	return s.write(c, media, status, res)
}

type withData struct {
	Data   any     `json:"data"`
	Errors []Error `json:"errors,omitempty"`
}

type withoutData struct {
	Errors []Error `json:"errors"`
}

func (s *Server) write(c echo.Context, media string, status int, res Result) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	var err error
	if res.HasData {
		err = enc.Encode(withData{Data: res.Data, Errors: res.Errors})
	} else {
		err = enc.Encode(withoutData{Errors: res.Errors})
	}
	if err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		_ = json.NewEncoder(&buf).Encode(errorBody("cannot encode the response", "INTERNAL"))
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", apiCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	return c.Blob(status, media+"; charset=utf-8", buf.Bytes())
}

// graphiqlIndex serves the GraphiQL page.
func (s *Server) graphiqlIndex(c echo.Context) error {
	if s.cfg.GraphiQL == nil {
		return echo.NewHTTPError(http.StatusNotFound, "GraphiQL is not bundled in this build")
	}
	b, err := fs.ReadFile(s.cfg.GraphiQL, "index.html")
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "GraphiQL is not bundled in this build")
	}
	s.pageHeaders(c)
	c.Response().Header().Set("Cache-Control", "no-cache")
	c.Response().Header().Add("Vary", "Accept")
	return c.HTMLBlob(http.StatusOK, b)
}

// graphiqlAsset serves the bundle's files under GraphiQLBase.
func (s *Server) graphiqlAsset(c echo.Context) error {
	if s.cfg.GraphiQL == nil {
		return echo.NewHTTPError(http.StatusNotFound, "not found")
	}
	name := path.Clean(strings.TrimPrefix(c.Param("*"), "/"))
	if name == "." || name == "index.html" {
		return s.graphiqlIndex(c)
	}
	if !fs.ValidPath(name) {
		return echo.NewHTTPError(http.StatusNotFound, "not found")
	}
	b, err := fs.ReadFile(s.cfg.GraphiQL, name)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "not found")
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = http.DetectContentType(b)
	}
	s.pageHeaders(c)
	if strings.HasPrefix(name, "assets/") {
		// Vite names assets by content hash.
		c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	return c.Blob(http.StatusOK, ctype, b)
}

func (s *Server) pageHeaders(c echo.Context) {
	h := c.Response().Header()
	h.Set("Content-Security-Policy", GraphiQLCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
}
