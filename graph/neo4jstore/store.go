// Package neo4jstore implements graph.Store on Neo4j 5 (Community or
// Enterprise, single server over bolt:// or a cluster over neo4j://). It is
// the only package that knows Neo4j: driver lifecycle, migrations
// (constraints, range indexes, the full-text index), batched UNWIND writes,
// the compiler from the read IR (graph.Query) to one parameterised Cypher
// statement, the chain projection query and the mapping of driver errors to
// graph error codes.
//
// Storage model: every node carries the label :Node plus exactly one kind
// label from graph.Kinds; its property map is exactly Node.Flatten() plus
// the content hash "_h" used for unchanged-detection (stripped when read
// back). Relationships carry Edge.Flatten() and no hash: an edge's hash is
// computed from the properties read back when it is upserted, because a
// stored "_h" would not fit the one property record a typical edge needs
// (bench/README.md, 2026-11-29 13:00). The graph revision
// lives on a meta node (:ChainkgMeta {id:'graph'}) that is not a :Node and
// is never counted or returned.
package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"chainkg/graph"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
)

// Config is how to reach Neo4j. It is plain data; cmd/chainkg fills it from
// flags and environment.
type Config struct {
	URI      string // bolt://host:7687 (one server) or neo4j://host:7687 (cluster, routing)
	Username string
	Password string
	Database string // default "neo4j"
	// QueryTimeout bounds every read transaction (0: only the context
	// deadline applies). The smaller of the two is sent to the server as
	// the transaction timeout.
	QueryTimeout time.Duration
	// BatchSize is the number of rows per UNWIND statement in writes
	// (default 5000). A call to UpsertNodes/UpsertEdges is still one
	// transaction; the batches are statements inside it.
	BatchSize int
}

// Store is a graph.Store backed by Neo4j. It is safe for concurrent use.
type Store struct {
	driver neo4j.DriverWithContext
	cfg    Config
}

var _ graph.Store = (*Store)(nil)

// Open creates the driver. It does not contact the server: a server that is
// down now makes Ping and queries fail with graph.CodeUnavailable until it
// comes back, so that `chainkg serve` starts, reports /readyz 503 and
// recovers without a restart. Open fails only on a malformed configuration.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Database == "" {
		cfg.Database = "neo4j"
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 5000
	}
	if cfg.QueryTimeout < 0 {
		return nil, graph.Errorf(graph.CodeInvalidInput, "neo4j: negative query timeout")
	}
	u, err := url.Parse(cfg.URI)
	if err != nil || u.Host == "" {
		return nil, graph.Errorf(graph.CodeInvalidInput, "neo4j: malformed URI %q", cfg.URI)
	}
	switch u.Scheme {
	case "bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc":
	default:
		return nil, graph.Errorf(graph.CodeInvalidInput, "neo4j: URI scheme %q is not bolt:// or neo4j://", u.Scheme)
	}
	auth := neo4j.NoAuth()
	if cfg.Username != "" {
		auth = neo4j.BasicAuth(cfg.Username, cfg.Password, "")
	}
	drv, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *config.Config) {
		// Fail fast when the server is down: requests carry their own
		// deadlines, and readiness probes must answer quickly.
		c.SocketConnectTimeout = 3 * time.Second
		c.ConnectionAcquisitionTimeout = 10 * time.Second
		c.MaxTransactionRetryTime = 10 * time.Second
		c.MaxConnectionPoolSize = 64
	})
	if err != nil {
		return nil, graph.Wrap(graph.CodeInvalidInput, err, "neo4j: driver configuration")
	}
	return &Store{driver: drv, cfg: cfg}, nil
}

// Ping checks that the server answers (readiness).
func (s *Store) Ping(ctx context.Context) error {
	return classify(s.driver.VerifyConnectivity(ctx), "neo4j: ping")
}

// Close releases the driver's connections.
func (s *Store) Close(ctx context.Context) error {
	return classify(s.driver.Close(ctx), "neo4j: close")
}

// Driver exposes the underlying driver, for benchmarks and tools in this
// package's tests.
func (s *Store) Driver() neo4j.DriverWithContext { return s.driver }

// txTimeout is the server-side transaction timeout for a call: the smaller
// of Config.QueryTimeout and the time left before the context deadline.
// ok is false when the deadline has already passed.
func (s *Store) txTimeout(ctx context.Context) (d time.Duration, ok bool) {
	d = s.cfg.QueryTimeout
	if dl, has := ctx.Deadline(); has {
		left := time.Until(dl)
		if left <= 0 {
			return 0, false
		}
		if d == 0 || left < d {
			d = left
		}
	}
	return d, true
}

// txConfig returns the transaction configurers for a call.
func (s *Store) txConfig(ctx context.Context) ([]func(*neo4j.TransactionConfig), error) {
	d, ok := s.txTimeout(ctx)
	if !ok {
		return nil, graph.Wrap(graph.CodeTimeout, context.DeadlineExceeded, "neo4j: deadline passed before the query started")
	}
	if d == 0 {
		return nil, nil
	}
	// The server rounds to milliseconds; never send 0 (it means "no timeout").
	if d < time.Millisecond {
		d = time.Millisecond
	}
	return []func(*neo4j.TransactionConfig){neo4j.WithTxTimeout(d)}, nil
}

// query runs one read statement with ExecuteQuery (one round trip, retried
// on transient errors, routed to readers) and returns its records.
func (s *Store) query(ctx context.Context, what, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	txc, err := s.txConfig(ctx)
	if err != nil {
		return nil, err
	}
	res, err := neo4j.ExecuteQuery(ctx, s.driver, cypher, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(s.cfg.Database),
		neo4j.ExecuteQueryWithReadersRouting(),
		neo4j.ExecuteQueryWithTransactionConfig(txc...))
	if err != nil {
		return nil, classifyCtx(ctx, err, what)
	}
	return res.Records, nil
}

// readTx runs work in one read transaction (several statements).
func (s *Store) readTx(ctx context.Context, what string, work func(tx neo4j.ManagedTransaction) (any, error)) (any, error) {
	txc, err := s.txConfig(ctx)
	if err != nil {
		return nil, err
	}
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.WithoutCancel(ctx))
	out, err := sess.ExecuteRead(ctx, work, txc...)
	if err != nil {
		return nil, classifyCtx(ctx, err, what)
	}
	return out, nil
}

// writeTx runs work in one write transaction, retried by the driver on
// transient failures: work must be idempotent (it re-reads what it needs).
func (s *Store) writeTx(ctx context.Context, what string, work func(tx neo4j.ManagedTransaction) (any, error)) (any, error) {
	var txc []func(*neo4j.TransactionConfig)
	if dl, has := ctx.Deadline(); has {
		left := time.Until(dl)
		if left <= 0 {
			return nil, graph.Wrap(graph.CodeTimeout, context.DeadlineExceeded, what)
		}
		txc = append(txc, neo4j.WithTxTimeout(max(left, time.Millisecond)))
	}
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.WithoutCancel(ctx))
	out, err := sess.ExecuteWrite(ctx, work, txc...)
	if err != nil {
		return nil, classifyCtx(ctx, err, what)
	}
	return out, nil
}

func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{
		AccessMode:   mode,
		DatabaseName: s.cfg.Database,
		// Share ExecuteQuery's bookmarks so reads see earlier writes of
		// this process (causal consistency in a cluster).
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager(),
	})
}

// runAll collects every record of a statement inside a transaction.
func runAll(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// Neo4j status codes the store classifies (see the Neo4j status code list).
const (
	codeTxTimedOut        = "Neo.ClientError.Transaction.TransactionTimedOut"
	codeTxTimedOutClient  = "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"
	codeTxTerminated      = "Neo.TransientError.Transaction.Terminated"
	codeConstraintFailed  = "Neo.ClientError.Schema.ConstraintValidationFailed"
	codeDatabaseUnavail   = "Neo.TransientError.General.DatabaseUnavailable"
	codeDatabaseNotFound  = "Neo.ClientError.Database.DatabaseNotFound"
	codeUnauthorized      = "Neo.ClientError.Security.Unauthorized"
	codeAuthRateLimit     = "Neo.ClientError.Security.AuthenticationRateLimit"
	codeMemoryLimit       = "Neo.TransientError.General.MemoryPoolOutOfMemoryError"
	codeTxMemoryLimit     = "Neo.TransientError.General.TransactionMemoryLimit"
	codeServerUnavailable = "Neo.TransientError.General.OutOfMemoryError"
)

// classifyCtx classifies err; a failure that is not otherwise recognised
// after the context's deadline passed (the driver reports an interrupted
// read in several shapes) is a timeout. An unreachable server stays
// CodeUnavailable even when the retries ran into the deadline.
func classifyCtx(ctx context.Context, err error, what string) error {
	if err == nil {
		return nil
	}
	if isClassified(err) {
		return err
	}
	code := codeOf(err)
	if code == graph.CodeInternal && ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return graph.Wrap(graph.CodeTimeout, err, what)
		}
		return graph.Wrap(graph.CodeTimeout, err, what+" (request cancelled)")
	}
	return graph.Wrap(code, err, what)
}

func isClassified(err error) bool {
	var ge *graph.Error
	return errors.As(err, &ge)
}

// classify maps a driver or server error to a graph error code, once, by
// error type and Neo4j status code (never by message text).
func classify(err error, what string) error {
	if err == nil {
		return nil
	}
	if isClassified(err) {
		return err
	}
	return graph.Wrap(codeOf(err), err, what)
}

func codeOf(err error) graph.Code {
	var lim *neo4j.TransactionExecutionLimit
	if errors.As(err, &lim) && len(lim.Errors) > 0 {
		// Retries gave up: the last attempt's error says why.
		return codeOf(lim.Errors[len(lim.Errors)-1])
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return graph.CodeTimeout
	}
	var conn *neo4j.ConnectivityError
	if errors.As(err, &conn) {
		// The driver reports a read cut short by the caller's context as
		// a connectivity error; the server itself was reachable.
		if errors.Is(conn.Inner, context.DeadlineExceeded) || errors.Is(conn.Inner, context.Canceled) {
			return graph.CodeTimeout
		}
		return graph.CodeUnavailable
	}
	var ne *neo4j.Neo4jError
	if errors.As(err, &ne) {
		switch ne.Code {
		case codeTxTimedOut, codeTxTimedOutClient, codeTxTerminated:
			return graph.CodeTimeout
		case codeConstraintFailed:
			return graph.CodeConflict
		case codeDatabaseUnavail, codeDatabaseNotFound, codeUnauthorized, codeAuthRateLimit:
			return graph.CodeUnavailable
		case codeMemoryLimit, codeTxMemoryLimit, codeServerUnavailable:
			return graph.CodeLimit
		}
		return graph.CodeInternal
	}
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		return graph.CodeUnavailable // a network timeout while connecting
	}
	return graph.CodeInternal
}

// identifier quotes a label, relationship type or property name that comes
// from the allowlist. It refuses anything else, so no input ever reaches the
// statement text.
func identifier(s string) string {
	if s == "" {
		panic("neo4jstore: empty identifier")
	}
	for i, r := range s {
		ok := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			panic(fmt.Sprintf("neo4jstore: identifier %q is not allowlisted", s))
		}
	}
	return "`" + s + "`"
}

// kindLabel returns the quoted label of an allowlisted kind.
func kindLabel(k graph.Kind) (string, error) {
	spec, ok := graph.LookupKind(k)
	if !ok {
		return "", graph.Errorf(graph.CodeInvalidInput, "unknown kind %q", k)
	}
	return identifier(string(spec.Kind)), nil
}

// relLabel returns the quoted type of an allowlisted relation.
func relLabel(t graph.RelType) (string, error) {
	spec, ok := graph.LookupRel(t)
	if !ok {
		return "", graph.Errorf(graph.CodeInvalidInput, "unknown relation type %q", t)
	}
	return identifier(string(spec.Type)), nil
}

// kindFromLabels picks the kind label among a node's labels.
func kindFromLabels(v any) graph.Kind {
	labels, _ := v.([]any)
	for _, l := range labels {
		s, _ := l.(string)
		if s == labelNode {
			continue
		}
		if _, ok := graph.LookupKind(graph.Kind(s)); ok {
			return graph.Kind(s)
		}
	}
	return ""
}

const (
	labelNode = "Node"
	hashProp  = "_h"
)

// nodeFrom rebuilds a node from its property map and labels.
func nodeFrom(props, labels any) graph.Node {
	m, _ := props.(map[string]any)
	delete(m, hashProp)
	return graph.NodeFromProps(kindFromLabels(labels), m)
}

// edgeFrom rebuilds an edge from its key and property map.
func edgeFrom(t graph.RelType, from, to string, props any) graph.Edge {
	m, _ := props.(map[string]any)
	delete(m, hashProp)
	return graph.EdgeFromProps(t, from, to, m)
}

func str(v any) string { s, _ := v.(string); return s }

func toInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case float64:
		return int64(x)
	}
	return 0
}
