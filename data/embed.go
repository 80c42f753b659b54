// Package data embeds the bundled datasets, so that `chainkg serve` works
// from any directory and on a machine with nothing but the binary.
package data

import "embed"

// FS holds data/yangpu, the bundled Yangpu dataset (see yangpu/README.md).
//
//go:embed yangpu
var FS embed.FS

// Default is the path of the bundled dataset inside FS.
const Default = "yangpu"
