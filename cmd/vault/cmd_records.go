package main

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"vault/vault"
)

// recordCommands are the everyday commands: claims and their evidence.
func recordCommands(e *env) []*cli.Command {
	return []*cli.Command{
		recClaimCommand(e),
		recAddCommand(e),
		recLogCallCommand(e),
		recLogConditionCommand(e),
		recListCommand(e),
		recSearchCommand(e),
		recShowCommand(e),
		recGetCommand(e),
		recEditCommand(e),
		recRmCommand(e),
		recHistoryCommand(e),
		recUseCommand(e),
	}
}

// recWithVault opens the vault (read-only for commands that only read), runs
// fn and closes it.
func recWithVault(c *cli.Context, e *env, readOnly bool, fn func(v *vault.Vault) error) error {
	v, err := openVault(c, e, readOnly)
	if err != nil {
		return err
	}
	defer maintCloseVault(e, v)
	return fn(v)
}

// recNoArgs refuses positional arguments.
func recNoArgs(c *cli.Context, cmd string) error {
	if c.NArg() > 0 {
		return usagef("%s takes no arguments (got %s): flags start with --", cmd, vault.Quote(c.Args().First()))
	}
	return nil
}

// recOneArg returns the one positional argument, naming what it should be.
func recOneArg(c *cli.Context, cmd, what string) (string, error) {
	switch c.NArg() {
	case 0:
		return "", usagef("%s needs %s", cmd, what)
	case 1:
		return c.Args().First(), nil
	}
	return "", usagef("%s takes one %s, got %d arguments", cmd, what, c.NArg())
}

// recDateFlag reads a date flag (YYYY-MM-DD, today, yesterday); "" when unset.
func recDateFlag(c *cli.Context, e *env, name string) (vault.Date, error) {
	if !c.IsSet(name) {
		return "", nil
	}
	d, err := vault.ParseDate(c.String(name), e.now())
	if err != nil {
		return "", usagef("--%s: %v", name, err)
	}
	return d, nil
}

// recOptionalDate reads a date flag whose empty value clears the field: nil
// when unset.
func recOptionalDate(c *cli.Context, e *env, name string) (*vault.Date, error) {
	if !c.IsSet(name) {
		return nil, nil
	}
	if strings.TrimSpace(c.String(name)) == "" {
		d := vault.Date("")
		return &d, nil
	}
	d, err := recDateFlag(c, e, name)
	return &d, err
}

// recAmountFlag reads an amount flag; nil when unset or set to "" (clear).
func recAmountFlag(c *cli.Context, name string) (*vault.Cents, error) {
	if !c.IsSet(name) || strings.TrimSpace(c.String(name)) == "" {
		return nil, nil
	}
	a, err := vault.ParseAmount(c.String(name))
	if err != nil {
		return nil, usagef("--%s: %v", name, err)
	}
	return &a, nil
}

// recFieldError turns a value the vault refused (a *vault.FieldError: a
// title with a control character, a bad file name...) into a usage error,
// exit status 2, keeping its message; other errors pass through.
func recFieldError(err error) error {
	var fe *vault.FieldError
	if errors.As(err, &fe) {
		return usagef("%v", err)
	}
	return err
}

// recClaimByFlag looks up the claim named by --claim or, when the flag is
// absent, the current claim ('vault use'); one of them is required.
func recClaimByFlag(c *cli.Context, e *env, v *vault.Vault) (*vault.Claim, error) {
	name := strings.TrimSpace(c.String("claim"))
	if name == "" && !c.IsSet("claim") {
		cl, err := recCurrentClaim(c, e, v)
		if err != nil || cl != nil {
			return cl, err
		}
	}
	if name == "" {
		return nil, usagef("give the claim with --claim NAME (see 'vault claim list'), or choose one with 'vault use NAME'")
	}
	return v.ClaimByName(name)
}

// recClaimFilter returns the ID of the claim named by --claim, or of the
// current claim ('vault use') when the flag is absent; "" when neither is.
func recClaimFilter(c *cli.Context, e *env, v *vault.Vault) (string, error) {
	if !c.IsSet("claim") {
		cl, err := recCurrentClaim(c, e, v)
		if err != nil || cl == nil {
			return "", err
		}
		return cl.ID, nil
	}
	cl, err := recClaimByFlag(c, e, v)
	if err != nil {
		return "", err
	}
	return cl.ID, nil
}

// recWarn prints a warning on stderr.
func recWarn(e *env, format string, args ...any) {
	fmt.Fprintf(e.stderr, "vault: warning: "+format+"\n", args...)
}

// recCleanCell keeps a table cell on one line, without tabs or control
// characters that would break the columns or the terminal.
func recCleanCell(s string) string {
	if s == "" {
		return "-"
	}
	if vault.PlainText(s) {
		return s
	}
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || vault.IsBidiControl(r) {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return "-"
	}
	return s
}

// recLocalTime formats a time for people, in the local time zone.
func recLocalTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04")
}

// recCallTime formats a call's time in the zone it was logged in.
func recCallTime(t time.Time) string { return t.Format("2006-01-02 15:04 MST") }

// recFormatDuration prints a call's duration as "15m", "1h5m" or "45s".
func recFormatDuration(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, sec := d/time.Hour, d%time.Hour/time.Minute, d%time.Minute/time.Second
	out := ""
	if h > 0 {
		out += fmt.Sprintf("%dh", h)
	}
	if m > 0 {
		out += fmt.Sprintf("%dm", m)
	}
	if sec > 0 {
		out += fmt.Sprintf("%ds", sec)
	}
	return out
}

// recMultiFlag is a repeatable string flag whose values are kept whole
// (urfave's StringSliceFlag splits them at commas: "ROM=45deg, limited").
type recMultiFlag struct{ values []string }

// Set implements flag.Value: each occurrence adds a value.
func (m *recMultiFlag) Set(s string) error {
	m.values = append(m.values, s)
	return nil
}

// String implements flag.Value.
func (m *recMultiFlag) String() string { return strings.Join(m.values, ", ") }

// recMultiValues returns the values of a repeatable flag.
func recMultiValues(c *cli.Context, name string) []string {
	if m, ok := c.Generic(name).(*recMultiFlag); ok && m != nil {
		return m.values
	}
	return nil
}

// recRepeatable declares a repeatable flag whose values are kept whole.
func recRepeatable(name, usage string) cli.Flag {
	return &cli.GenericFlag{Name: name, Usage: usage, Value: &recMultiFlag{}}
}

// recPlural writes a count with the singular or plural noun.
func recPlural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// recSizeUnits are the units of recFormatSize beyond bytes.
var recSizeUnits = []string{"KiB", "MiB", "GiB", "TiB"}

// recFormatSize prints a byte count for people: "512 B", "1.5 KiB",
// "3.2 MiB", "1.0 GiB", "2.0 TiB". It is the one size format of the vault
// command: every command that prints a size calls it. A unit is used while
// the number, rounded to one decimal, stays below 1024 ("1.0 MiB", never
// "1024.0 KiB"); beyond TiB the number grows.
func recFormatSize(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	f, u := float64(n)/1024, 0
	for math.Round(f*10) >= 1024*10 && u < len(recSizeUnits)-1 {
		f, u = f/1024, u+1
	}
	return fmt.Sprintf("%.1f %s", f, recSizeUnits[u])
}
