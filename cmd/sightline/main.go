// Command sightline runs the Sightline web app and its maintenance tasks.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/sightline/sightline/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, cli.Env{Args: os.Args, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
	stop()
	os.Exit(code)
}
