package schema

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"

	"chainkg/graph"
)

// Error codes of request-level failures (besides the graph codes).
const (
	CodeParseFailed      = "GRAPHQL_PARSE_FAILED"
	CodeValidationFailed = "GRAPHQL_VALIDATION_FAILED"
	CodeBadRequest       = "BAD_REQUEST"
)

// Limits bound what one request may ask. Zero fields take the defaults.
type Limits struct {
	MaxTokens  int // lexical tokens in the document (pre-scan)
	MaxNesting int // bracket nesting of the document (pre-scan)
	MaxDepth   int // field depth, fragments expanded, introspection excluded
	MaxAliases int // aliased fields in the document
	MaxFields  int // fields with fragments expanded
	MaxSameKey int // non-leaf fields merged into one response position
	MaxCost    int // estimated nodes: product of page sizes along each path
	MaxErrors  int // errors per response
	CacheSize  int // validated documents kept (LRU); negative disables
}

// DefaultLimits are the limits used for zero fields of Limits.
var DefaultLimits = Limits{
	MaxTokens: 10000, MaxNesting: 64, MaxDepth: 15, MaxAliases: 50, MaxFields: 1000, MaxSameKey: 10,
	MaxCost: 100000, MaxErrors: 50, CacheSize: 512,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	set := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	set(&l.MaxTokens, d.MaxTokens)
	set(&l.MaxNesting, d.MaxNesting)
	set(&l.MaxDepth, d.MaxDepth)
	set(&l.MaxAliases, d.MaxAliases)
	set(&l.MaxFields, d.MaxFields)
	set(&l.MaxSameKey, d.MaxSameKey)
	set(&l.MaxCost, d.MaxCost)
	set(&l.MaxErrors, d.MaxErrors)
	set(&l.CacheSize, d.CacheSize)
	return l
}

// Request is one GraphQL request.
type Request struct {
	Query         string
	OperationName string
	Variables     map[string]any
	// ReadOnly refuses mutations (GET requests).
	ReadOnly bool
	// Caller is the authenticated caller's name, "" when anonymous;
	// mutations need one.
	Caller string
}

// Outcome classifies a result for the transport (HTTP status).
type Outcome int

// Outcomes.
const (
	// Executed: the operation ran; Data is set (possibly null) and Errors
	// holds field errors.
	Executed Outcome = iota
	// BadRequest: the request is not a valid GraphQL request (no query,
	// unknown operation, bad variables). No data.
	BadRequest
	// ParseFailed: the document does not parse. No data.
	ParseFailed
	// ValidationFailed: the document fails validation. No data.
	ValidationFailed
	// LimitExceeded: the document is refused by a guard or limit (size,
	// nesting, fragment cycles, depth, aliases, cost). No data.
	LimitExceeded
	// MutationNotAllowed: a mutation in a ReadOnly request. No data.
	MutationNotAllowed
)

// Result is the answer to a Request. Data is absent (HasData false) when
// the request failed before execution; objects in Data are Objects, whose
// keys keep the order of the selection set.
type Result struct {
	Outcome Outcome
	HasData bool
	Data    any
	Errors  []Error
}

// Error is a GraphQL error as the response carries it.
type Error struct {
	Message    string         `json:"message"`
	Locations  []Location     `json:"locations,omitempty"`
	Path       []any          `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// Location is a position in the document (1-based).
type Location struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Engine runs requests against the schema: it never hands graphql-go raw
// input. Order: pre-scan (tokens, nesting), parse, the fragment-cycle rule
// alone, alias / field / depth limits, the spec rules; the validated
// document is cached (LRU by text); then operation checks, cost, execution
// with the caller's context (whose deadline reaches the store).
type Engine struct {
	schema graphql.Schema
	guard  *guard
	limits Limits
	rules  []graphql.ValidationRuleFn

	mu    sync.Mutex
	lru   *list.List
	cache map[string]*list.Element
}

type cached struct {
	text string
	doc  *ast.Document
	// orders holds the key-order plans of the document's operations when
	// they do not depend on variables (see order.go).
	orders sync.Map // *ast.OperationDefinition -> *orderRoot
	// exec is the document executed: doc with a __typename under every
	// abstract selection (see execDocument).
	execOnce sync.Once
	exec     *ast.Document
}

// NewEngine builds the schema over d and an engine with limits l. The
// resolvers see d.Store behind an availability guard (see guard.go).
func NewEngine(d *Deps, l Limits) (*Engine, error) {
	g := newGuard(d.Store)
	dd := *d
	dd.Store = g
	s, err := New(&dd)
	if err != nil {
		return nil, err
	}
	// graphql-go builds each enum's lookup maps lazily, unsynchronised:
	// concurrent first requests raced on them. Build them now.
	for _, t := range s.TypeMap() {
		if en, ok := t.(*graphql.Enum); ok {
			en.ParseValue("")
			en.Serialize(nil)
		}
	}
	var rules []graphql.ValidationRuleFn
	for _, r := range graphql.SpecifiedRules {
		if fmt.Sprintf("%p", r) != fmt.Sprintf("%p", graphql.NoFragmentCyclesRule) {
			rules = append(rules, r)
		}
	}
	return &Engine{schema: s, guard: g, limits: l.withDefaults(), rules: rules, lru: list.New(), cache: map[string]*list.Element{}}, nil
}

// Schema returns the GraphQL schema.
func (e *Engine) Schema() graphql.Schema { return e.schema }

// Do runs one request.
func (e *Engine) Do(ctx context.Context, req Request) Result {
	if req.Query == "" {
		return e.fail(BadRequest, Error{Message: "the request has no query", Extensions: code(CodeBadRequest)})
	}
	entry, res, ok := e.document(req.Query)
	if !ok {
		return res
	}
	doc := entry.doc
	op, err := operation(doc, req.OperationName)
	if err != nil {
		return e.fail(BadRequest, Error{Message: err.Error(), Extensions: code(CodeBadRequest)})
	}
	if op.Operation == ast.OperationTypeMutation && req.ReadOnly {
		return e.fail(MutationNotAllowed, Error{Message: "mutations need POST", Extensions: code(CodeBadRequest)})
	}
	if op.Operation == ast.OperationTypeSubscription {
		return e.fail(BadRequest, Error{Message: "subscriptions are not supported", Extensions: code(CodeBadRequest)})
	}
	if c := cost(doc, op, req.Variables); c > e.limits.MaxCost {
		return e.fail(LimitExceeded, Error{Message: fmt.Sprintf("query cost %d exceeds the limit %d (cost multiplies page sizes along each path)", c, e.limits.MaxCost), Extensions: code(string(graph.CodeLimit))})
	}
	if req.Caller != "" {
		ctx = WithCaller(ctx, req.Caller)
	}
	entry.execOnce.Do(func() { entry.exec = e.execDocument(entry) })
	r := graphql.Execute(graphql.ExecuteParams{Schema: e.schema, AST: entry.exec, OperationName: req.OperationName, Args: req.Variables, Context: ctx})
	// graphql-go returns objects as maps: give them the selection set's
	// order (the spec's "ordered like the selection set").
	out := Result{Outcome: Executed, HasData: true, Data: e.order(entry, op, req.Variables, r.Data)}
	if r.Data == nil && len(r.Errors) > 0 && ctx.Err() == nil && !hasPath(r.Errors) {
		out = Result{Outcome: BadRequest}
	}
	if out.HasData && out.Data == nil {
		out.Data = nil
	}
	for _, fe := range r.Errors {
		out.Errors = append(out.Errors, relocate(convert(fe, out.Outcome, ctx), lines(req.Query)))
	}
	if ctx.Err() != nil {
		// The deadline passed: if the store is unreachable, say so (and let
		// the guard fail the next requests fast) rather than TIMEOUT.
		if perr := e.guard.probe(ctx); perr != nil && graph.CodeOf(perr) == graph.CodeUnavailable {
			for i := range out.Errors {
				if out.Errors[i].Extensions["code"] == string(graph.CodeTimeout) {
					out.Errors[i].Message = "the graph store is unavailable: " + perr.Error()
					out.Errors[i].Extensions = code(string(graph.CodeUnavailable))
				}
			}
		}
	}
	// graphql-go resolves the fields of a query in map order: sort the
	// errors by document position so responses are deterministic.
	sort.SliceStable(out.Errors, func(i, j int) bool { return errLess(out.Errors[i], out.Errors[j]) })
	out.Errors = e.capErrors(out.Errors)
	return out
}

func errLess(a, b Error) bool {
	la, lb := Location{}, Location{}
	if len(a.Locations) > 0 {
		la = a.Locations[0]
	}
	if len(b.Locations) > 0 {
		lb = b.Locations[0]
	}
	if la != lb {
		return la.Line < lb.Line || (la.Line == lb.Line && la.Column < lb.Column)
	}
	return fmt.Sprint(a.Path) < fmt.Sprint(b.Path)
}

func hasPath(errs []gqlerrors.FormattedError) bool {
	for _, e := range errs {
		if len(e.Path) > 0 {
			return true
		}
	}
	return false
}

func code(c string) map[string]any { return map[string]any{"code": c} }

func (e *Engine) fail(o Outcome, errs ...Error) Result {
	return Result{Outcome: o, Errors: e.capErrors(errs)}
}

func (e *Engine) capErrors(errs []Error) []Error {
	if len(errs) <= e.limits.MaxErrors {
		return errs
	}
	n := len(errs) - (e.limits.MaxErrors - 1)
	out := append([]Error(nil), errs[:e.limits.MaxErrors-1]...)
	return append(out, Error{Message: fmt.Sprintf("%d more errors omitted", n), Extensions: code(string(graph.CodeLimit))})
}

// convert gives every error an extensions.code.
func convert(fe gqlerrors.FormattedError, o Outcome, ctx context.Context) Error {
	out := Error{Message: fe.Message, Path: fe.Path, Extensions: fe.Extensions}
	for _, l := range fe.Locations {
		out.Locations = append(out.Locations, Location{Line: l.Line, Column: l.Column})
	}
	if out.Extensions == nil || out.Extensions["code"] == nil {
		c := string(graph.CodeInternal)
		switch {
		case errors.Is(fe.OriginalError(), context.DeadlineExceeded) || (ctx.Err() != nil && len(fe.Path) == 0):
			c = string(graph.CodeTimeout)
		case o == BadRequest:
			c = string(graph.CodeInvalidInput)
		}
		out.Extensions = code(c)
	}
	return out
}

// document returns the parsed and validated document for text, from the
// cache when it was seen before.
func (e *Engine) document(text string) (*cached, Result, bool) {
	if c := e.cached(text); c != nil {
		return c, Result{}, true
	}
	if err := Prescan(text, e.limits.MaxTokens, e.limits.MaxNesting); err != nil {
		return nil, e.fail(LimitExceeded, Error{Message: err.Error(), Extensions: code(string(graph.CodeLimit))}), false
	}
	src := source.NewSource(&source.Source{Body: []byte(blankComments(text)), Name: "GraphQL request"})
	doc, err := parser.Parse(parser.ParseParams{Source: src})
	if err != nil {
		fe := gqlerrors.FormatError(err)
		ge := convert(fe, ParseFailed, context.Background())
		ge.Extensions = code(CodeParseFailed)
		return nil, e.fail(ParseFailed, ge), false
	}
	// graphql-go locates every error by running a regular expression over
	// the whole body (GetLocation): a thousand errors in a 64 KB document
	// took seconds. Empty the body now that the document is parsed: errors
	// then carry their byte offset as column 1+offset on line 1, and
	// relocate turns that into the real line and column.
	src.Body = nil
	// graphql-go's overlap rule recurses through fragment cycles before the
	// cycle rule reports them: run the cycle rule alone first.
	if vr := graphql.ValidateDocument(&e.schema, doc, []graphql.ValidationRuleFn{graphql.NoFragmentCyclesRule}); !vr.IsValid {
		return nil, e.validationFailed(LimitExceeded, vr.Errors, text), false
	}
	if err := checkShape(doc, e.limits); err != nil {
		return nil, e.fail(LimitExceeded, Error{Message: err.Error(), Extensions: code(string(graph.CodeLimit))}), false
	}
	if vr := graphql.ValidateDocument(&e.schema, doc, e.rules); !vr.IsValid {
		return nil, e.validationFailed(ValidationFailed, vr.Errors, text), false
	}
	return e.store(text, doc), Result{}, true
}

func (e *Engine) validationFailed(o Outcome, errs []gqlerrors.FormattedError, text string) Result {
	out := make([]Error, 0, len(errs))
	ls := lines(text)
	for _, fe := range errs {
		ge := relocate(convert(fe, o, context.Background()), ls)
		ge.Extensions = code(CodeValidationFailed)
		out = append(out, ge)
	}
	return e.fail(o, out...)
}

func (e *Engine) cached(text string) *cached {
	if e.limits.CacheSize < 0 {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	el, ok := e.cache[text]
	if !ok {
		return nil
	}
	e.lru.MoveToFront(el)
	return el.Value.(*cached)
}

func (e *Engine) store(text string, doc *ast.Document) *cached {
	c := &cached{text: text, doc: doc}
	if e.limits.CacheSize < 0 {
		return c
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if el, ok := e.cache[text]; ok {
		return el.Value.(*cached)
	}
	e.cache[text] = e.lru.PushFront(c)
	for e.lru.Len() > e.limits.CacheSize {
		old := e.lru.Back()
		e.lru.Remove(old)
		delete(e.cache, old.Value.(*cached).text)
	}
	return c
}

// lines returns the byte offsets where the lines of text start ("\r\n",
// "\n" and "\r" end a line, as in graphql-go).
func lines(text string) []int {
	starts := []int{0}
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			starts = append(starts, i+1)
		case '\n':
			starts = append(starts, i+1)
		}
	}
	return starts
}

// relocate converts locations computed on the emptied body (line 1, column
// 1+offset) into lines and columns of the document.
func relocate(e Error, starts []int) Error {
	for i, l := range e.Locations {
		if l.Line != 1 {
			continue
		}
		off := l.Column - 1
		n := sort.Search(len(starts), func(j int) bool { return starts[j] > off }) - 1
		if n < 0 {
			n = 0
		}
		e.Locations[i] = Location{Line: n + 1, Column: off - starts[n] + 1}
	}
	return e
}

// operation picks the operation to run, as graphql-go will.
func operation(doc *ast.Document, name string) (*ast.OperationDefinition, error) {
	var found *ast.OperationDefinition
	n := 0
	for _, d := range doc.Definitions {
		op, ok := d.(*ast.OperationDefinition)
		if !ok {
			continue
		}
		n++
		if name == "" {
			found = op
			continue
		}
		if op.Name != nil && op.Name.Value == name {
			return op, nil
		}
	}
	if name != "" {
		return nil, fmt.Errorf("unknown operation %q", name)
	}
	if n == 0 {
		return nil, fmt.Errorf("the document has no operation")
	}
	if n > 1 {
		return nil, fmt.Errorf("the document has several operations: name one with operationName")
	}
	return found, nil
}
