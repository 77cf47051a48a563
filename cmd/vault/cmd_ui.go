package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"vault/cmd/webui"
)

// uiCommand is `vault ui`: the web app on the loopback.
func uiCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "ui",
		Usage:     "open the vault in your web browser (served on this computer only)",
		ArgsUsage: " ",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "listen", Value: "127.0.0.1:0", Usage: "the loopback address and port to serve on (127.0.0.1 or ::1; port 0 picks a free one)"},
			&cli.BoolFlag{Name: "no-browser", Usage: "print the address only; do not open a browser"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("ui takes no arguments (got %q): flags start with --", c.Args().First())
			}
			if err := checkLoopback(c.String("listen")); err != nil {
				return err
			}
			path, err := vaultPath(c, e)
			if err != nil {
				return err
			}
			if err := checkVaultFile(path); err != nil {
				return err
			}
			var passphrase func() ([]byte, error)
			if f := c.String("passphrase-file"); f != "" {
				pass, err := readSecretFile(f, "passphrase")
				if err != nil {
					return err
				}
				clear(pass)
				passphrase = func() ([]byte, error) { return readSecretFile(f, "passphrase") }
			}
			l, err := net.Listen("tcp", c.String("listen"))
			if err != nil {
				return fmt.Errorf("cannot serve on %s: %w", c.String("listen"), err)
			}
			defer l.Close()
			srv, token, err := webui.New(webui.Config{Addr: l.Addr().String(), VaultPath: path, Passphrase: passphrase,
				Options: openOptions(c, e, false), Now: e.now})
			if err != nil {
				return err
			}
			defer srv.Close()
			url := "http://" + l.Addr().String() + "/login?token=" + token
			fmt.Fprintln(e.stdout, url)
			if f, ok := e.stdout.(interface{ Flush() error }); ok {
				if err := f.Flush(); err != nil {
					return fmt.Errorf("write the address: %w", err)
				}
			}
			if !c.Bool("no-browser") {
				openBrowser(e, url)
			}
			return serveUntilLocked(l, srv)
		},
	}
}

// checkLoopback refuses any address but 127.0.0.1 or ::1 with a port.
func checkLoopback(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return usagef("--listen %q: expected 127.0.0.1:PORT or [::1]:PORT", addr)
	}
	if host != "127.0.0.1" && host != "::1" {
		return usagef("--listen %q: the vault serves on this computer only: give 127.0.0.1:PORT or [::1]:PORT", addr)
	}
	return nil
}

// openBrowser asks the desktop to open the address; failing is not fatal:
// the address is printed.
func openBrowser(e *env, url string) {
	cmd := exec.Command("xdg-open", url)
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(e.stderr, "vault: could not open a browser (%s): open the address above yourself\n", oneLine(err.Error()))
		return
	}
	go cmd.Wait()
}

// serveUntilLocked serves until the user locks the vault in the page, or
// an interrupt or termination signal comes; then it stops the server,
// letting a request in progress finish.
func serveUntilLocked(l net.Listener, srv *webui.Server) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(l) }()
	select {
	case err := <-errc:
		return fmt.Errorf("the web app stopped: %w", err)
	case <-srv.Done():
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("stop the web app: %w", err)
	}
	return nil
}
