// Package static holds the files served under /static/ (the stylesheet, the
// icon, and vendored front-end files with their licence and version noted in
// a comment at their top) and names each by its content hash.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"path"
	"strings"
)

// FS holds the files served under /static/, at its root.
//
//go:embed *.css *.svg *.js *.txt
var FS embed.FS

// staticNames maps each asset to its content-hashed name ("app.css" →
// "app.3f2a9c1d0b7e.css") and back, computed once from the embedded files.
var staticNames, staticFiles = hashStatic()

func hashStatic() (byName, byHashed map[string]string) {
	byName, byHashed = map[string]string{}, map[string]string{}
	_ = fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := FS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := p
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		byName[name], byHashed[hashed] = hashed, name
		return nil
	})
	return byName, byHashed
}

// URL is the address of an asset under its content-hashed name, so
// it can be cached for good: a new build with a changed file has a new name.
func URL(name string) string {
	if h, ok := staticNames[name]; ok {
		return "/static/" + h
	}
	return "/static/" + name
}

// File names the asset a hashed name stands for ("app.3f2a….css" →
// "app.css"), and whether it is one.
func File(hashed string) (string, bool) {
	name, ok := staticFiles[hashed]
	return name, ok
}
