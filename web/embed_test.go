package web_test

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"chainkg/web"
)

// TestBundle checks that the embedded bundle is a usable page: index.html at the
// root with the right title, every asset it references present under BasePath,
// and no reference to anything but the server itself.
func TestBundle(t *testing.T) {
	fsys := web.FS()
	index, err := fs.ReadFile(fsys, "index.html")
	if err != nil {
		t.Fatalf("index.html: %v", err)
	}
	page := string(index)
	if !strings.Contains(page, "<title>chainkg GraphiQL</title>") {
		t.Errorf("index.html has no chainkg GraphiQL title")
	}
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(refs) == 0 {
		t.Fatal("index.html references no asset")
	}
	sawScript := false
	for _, m := range refs {
		ref := m[1]
		t.Run(ref, func(t *testing.T) {
			if !strings.HasPrefix(ref, web.BasePath+"assets/") {
				t.Fatalf("reference %q is not under %sassets/", ref, web.BasePath)
			}
			if _, err := fs.Stat(fsys, strings.TrimPrefix(ref, web.BasePath)); err != nil {
				t.Fatalf("referenced asset missing: %v", err)
			}
		})
		if strings.HasSuffix(ref, ".js") {
			sawScript = true
		}
	}
	if !sawScript {
		t.Error("index.html loads no script")
	}
	if regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`).MatchString(page) {
		t.Error("index.html has an inline script: the CSP allows only script-src 'self'")
	}
}

// TestWorkersBundled checks that Monaco's three web workers were emitted as
// files of their own (so new Worker() loads them from 'self', not from a CDN).
func TestWorkersBundled(t *testing.T) {
	entries, err := fs.ReadDir(web.FS(), "assets")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"editor.worker-", "json.worker-", "graphql.worker-"} {
		t.Run(want, func(t *testing.T) {
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), want) && strings.HasSuffix(e.Name(), ".js") {
					return
				}
			}
			t.Errorf("no assets/%s*.js in the bundle", want)
		})
	}
}
