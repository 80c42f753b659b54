// Package web holds the offline GraphiQL page of chainkg: its sources (package.json,
// index.html, src/) are built with npm and Vite into dist/, which is committed and
// embedded here so that `chainkg serve` needs no Node at run time and no page
// fetches anything from outside the server. See README.md for the rebuild, the
// Content-Security-Policy the page needs and the tests that check both.
package web

import (
	"embed"
	"io/fs"
)

// BasePath is the URL path the bundle was built for (Vite's `base`): index.html
// loads its scripts, styles and workers from BasePath + "assets/...". A server
// must serve FS() under this prefix; index.html itself may be sent anywhere
// (at /graphiql and on GET /graphql with Accept: text/html).
const BasePath = "/graphiql/"

//go:embed all:dist
var dist embed.FS

// FS returns the built bundle with index.html at its root and the hashed
// assets under assets/.
func FS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		// fs.Sub fails only on an invalid path name; "dist" is valid.
		panic(err)
	}
	return sub
}
