// Command chainkg is the industry-chain knowledge graph explorer: one binary
// with the subcommands serve, load, migrate, analyze, gen and version.
//
// main only builds a context and calls run, which tests call too. Each
// subcommand lives in its own file and registers itself in commands.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// env is the process environment as a lookup function, so tests can pass
// their own.
type env func(string) string

// command is one subcommand. args excludes the subcommand name.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error
}

// commands is filled by each subcommand file's init.
var commands = map[string]command{}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "chainkg:", err)
		os.Exit(exitCode(err))
	}
}

func run(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return nil
	}
	cmd, ok := commands[args[0]]
	if !ok {
		usage(stderr)
		return usageError{fmt.Sprintf("unknown command %q", args[0])}
	}
	return cmd.run(ctx, args[1:], getenv, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: chainkg <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'chainkg <command> -h' for a command's flags.")
}

// usageError is a bad command line (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error) int {
	if _, ok := err.(usageError); ok {
		return 2
	}
	return 1
}

func init() {
	commands["version"] = command{
		summary: "print the version",
		run: func(_ context.Context, _ []string, _ env, stdout, _ io.Writer) error {
			fmt.Fprintln(stdout, "chainkg", version)
			return nil
		},
	}
}
