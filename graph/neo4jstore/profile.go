package neo4jstore

import (
	"context"

	"chainkg/graph"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Profile runs the statement Read would run for q under PROFILE and returns
// the database hits summed over the whole plan (subquery plans included).
// Tests keep the main queries' hits under recorded bounds.
func (s *Store) Profile(ctx context.Context, q graph.Query) (dbHits int64, err error) {
	cq, err := Compile(q)
	if err != nil {
		return 0, err
	}
	return s.ProfileCypher(ctx, cq.Cypher, cq.Params)
}

// ProfileCypher runs any read statement under PROFILE and sums its db hits
// (used for Search and Projection statements in the bound test).
func (s *Store) ProfileCypher(ctx context.Context, cypher string, params map[string]any) (int64, error) {
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.WithoutCancel(ctx))
	res, err := sess.Run(ctx, "PROFILE "+cypher, params)
	if err != nil {
		return 0, classifyCtx(ctx, err, "neo4j: profile")
	}
	for res.Next(ctx) {
		// PROFILE reports hits only once every row was pulled.
	}
	if err := res.Err(); err != nil {
		return 0, classifyCtx(ctx, err, "neo4j: profile")
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		return 0, classifyCtx(ctx, err, "neo4j: profile")
	}
	if sum.Profile() == nil {
		return 0, graph.Errorf(graph.CodeInternal, "neo4j: profile: no profiled plan returned")
	}
	return sumHits(sum.Profile()), nil
}

func sumHits(p neo4j.ProfiledPlan) int64 {
	n := p.DbHits()
	for _, c := range p.Children() {
		n += sumHits(c)
	}
	return n
}
