// Package web holds the templ components that render every page and the
// static assets (the stylesheet and the icon) served under /static/.
package web

import "embed"

// Static holds the files served under /static/.
//
//go:embed static
var Static embed.FS
