// Package loaders turns files into validated graph data and writes it to a
// store: the dataset format (a dataset.yaml manifest naming CSV, JSON Lines
// and YAML files, plus chain templates in YAML), the generic mapped import
// for foreign files, the batched all-or-nothing Load with its report, and the
// deterministic synthetic generator used for scale work.
//
// The format is documented in docs/dataset.md. Every error a reader returns
// is a *graph.Error with File, Line and Field set, joined with errors.Join
// (at most MaxErrors of them), so a user sees several problems at once.
package loaders
