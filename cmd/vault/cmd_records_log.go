package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"vault/vault"
)

// recCallFlags are the flags of a call's fields, shared by log-call and edit.
func recCallFlags() []cli.Flag {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "rep", Usage: "the representative's name (and ID)"},
		&cli.StringFlag{Name: "ref", Usage: "the call reference number"},
		&cli.StringFlag{Name: "at", Usage: "when, \"YYYY-MM-DD HH:MM\" in the local time zone (default now)"},
		&cli.StringFlag{Name: "party", Usage: "who was called: " + strings.Join(vault.Parties, ", ")},
		&cli.StringFlag{Name: "phone", Usage: "the number called"},
		&cli.StringFlag{Name: "duration", Usage: "how long, such as 15m or 1h5m"},
		&cli.StringFlag{Name: "follow-up", Usage: "the date to follow up (YYYY-MM-DD)"},
	}
	flags = append(flags, textFlag("summary", "what was said")...)
	return append(flags, textFlag("promised", "what was promised, by when")...)
}

func recLogCallCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "log-call",
		Usage:     "log a phone call about a claim",
		ArgsUsage: " ",
		Flags:     append([]cli.Flag{&cli.StringFlag{Name: "claim", Usage: "the claim's NAME (required)"}}, recCallFlags()...),
		Action: func(c *cli.Context) error {
			if err := recNoArgs(c, "log-call"); err != nil {
				return err
			}
			if err := readTextFiles(c, e, "summary", "promised"); err != nil {
				return err
			}
			if !recClaimGiven(c, e) {
				return usagef("give the claim with --claim NAME (see 'vault claim list'), or choose one with 'vault use NAME'")
			}
			if strings.TrimSpace(c.String("rep")) == "" {
				return usagef("give the representative's name with --rep NAME")
			}
			if strings.TrimSpace(c.String("summary")) == "" {
				return usagef("give what was said with --summary \"...\"")
			}
			var call vault.Call
			if err := recApplyCallFlags(c, e, &call); err != nil {
				return err
			}
			return recWithVault(c, e, false, func(v *vault.Vault) error {
				cl, err := recClaimByFlag(c, e, v)
				if err != nil {
					return err
				}
				logged, warnings, err := v.LogCall(cl, call)
				if err != nil {
					return recFieldError(err)
				}
				for _, w := range warnings {
					recWarn(e, "%s (add it later with 'vault edit %s --ref REF')", w, logged.ID)
				}
				fmt.Fprintf(e.stdout, "Logged call %s to %s: %s with %s\n", logged.ID, cl.Name, recCallTime(logged.At), logged.Rep)
				return nil
			})
		},
	}
}

// recApplyCallFlags sets the call's fields from the flags that are set
// (the vault trims the text when it stores it).
func recApplyCallFlags(c *cli.Context, e *env, call *vault.Call) error {
	for _, f := range []struct {
		flag string
		dst  *string
	}{{"rep", &call.Rep}, {"summary", &call.Summary}, {"ref", &call.Ref}, {"phone", &call.Phone}, {"promised", &call.Promised}} {
		if c.IsSet(f.flag) {
			*f.dst = c.String(f.flag)
		}
	}
	if c.IsSet("at") {
		at, err := recParseTime(c.String("at"))
		if err != nil {
			return usagef("--at: %v", err)
		}
		call.At = at
	}
	if c.IsSet("party") {
		call.Party = ""
		if s := strings.TrimSpace(c.String("party")); s != "" {
			p, err := vault.ParseParty(s)
			if err != nil {
				return usagef("--party: %v", err)
			}
			call.Party = p
		}
	}
	if c.IsSet("duration") {
		d, err := recParseDuration(c.String("duration"))
		if err != nil {
			return usagef("--duration: %v", err)
		}
		call.Duration = d
	}
	if c.IsSet("follow-up") {
		d, err := recOptionalDate(c, e, "follow-up")
		if err != nil {
			return err
		}
		call.FollowUp = *d
	}
	return nil
}

// recTimeLayouts are the accepted forms of --at, in the local time zone.
var recTimeLayouts = []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"}

// recParseTime reads "YYYY-MM-DD HH:MM" in the local time zone (or an RFC
// 3339 time with its own offset).
func recParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, l := range recTimeLayouts {
		if t, err := time.ParseInLocation(l, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %s: expected \"YYYY-MM-DD HH:MM\" (local time)", vault.Quote(s))
}

// recParseDuration reads "15m", "1h5m", "90s" or a plain number of minutes.
func recParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		n, nerr := strconv.Atoi(s)
		if nerr != nil {
			return 0, fmt.Errorf("bad duration %s: expected minutes or a duration such as 15m or 1h5m", vault.Quote(s))
		}
		d = time.Duration(n) * time.Minute
	}
	if d < 0 || d > 24*time.Hour {
		return 0, fmt.Errorf("bad duration %s: expected up to 24h", vault.Quote(s))
	}
	return d, nil
}

func recLogConditionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "log-condition",
		Usage:     "note the patient's condition before, during (progress) or after treatment",
		ArgsUsage: " ",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "claim", Usage: "the claim's NAME (required)"},
		}, recConditionFlags()...),
		Action: func(c *cli.Context) error {
			if err := recNoArgs(c, "log-condition"); err != nil {
				return err
			}
			if err := readTextFiles(c, e, "text"); err != nil {
				return err
			}
			if !recClaimGiven(c, e) {
				return usagef("give the claim with --claim NAME (see 'vault claim list'), or choose one with 'vault use NAME'")
			}
			if !c.IsSet("phase") {
				return usagef("give the phase with --phase before, after or progress")
			}
			var cond vault.Condition
			if err := recApplyConditionFlags(c, e, &cond); err != nil {
				return err
			}
			return recWithVault(c, e, false, func(v *vault.Vault) error {
				cl, err := recClaimByFlag(c, e, v)
				if err != nil {
					return err
				}
				logged, err := v.LogCondition(cl, cond)
				if err != nil {
					return recFieldError(err)
				}
				fmt.Fprintf(e.stdout, "Logged condition note %s to %s: %s, %s\n", logged.ID, cl.Name, logged.Date, recItemTitle(logged))
				return nil
			})
		},
	}
}

// recConditionFlags are the flags of a condition note's fields, shared by
// log-condition and edit.
func recConditionFlags() []cli.Flag {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "phase", Usage: "before, after or progress"},
		&cli.StringFlag{Name: "date", Usage: "the date (default today)"},
		&cli.StringFlag{Name: "pain", Usage: "pain on the 0-10 scale"},
		recRepeatable("measure", "a named measure, NAME=VALUE, such as \"neck rotation=45deg\" (repeat for several)"),
	}
	return append(flags, textFlag("text", "what changed, in words")...)
}

// recApplyConditionFlags sets the condition note's fields from the flags
// that are set.
func recApplyConditionFlags(c *cli.Context, e *env, cond *vault.Condition) error {
	if c.IsSet("phase") {
		p, err := vault.ParsePhase(c.String("phase"))
		if err != nil {
			return usagef("--phase: %v", err)
		}
		cond.Phase = p
	}
	if c.IsSet("date") {
		d, err := recDateFlag(c, e, "date")
		if err != nil {
			return err
		}
		cond.Date = d
	}
	if c.IsSet("pain") {
		cond.Pain = nil
		if s := strings.TrimSpace(c.String("pain")); s != "" {
			p, err := vault.ParsePain(s)
			if err != nil {
				return usagef("--pain: %v", err)
			}
			cond.Pain = &p
		}
	}
	if c.IsSet("measure") {
		cond.Measures = nil
		for _, s := range recMultiValues(c, "measure") {
			if strings.TrimSpace(s) == "" {
				continue // --measure "" clears the measures
			}
			m, err := vault.ParseMeasure(s)
			if err != nil {
				return usagef("--measure: %v", err)
			}
			cond.Measures = append(cond.Measures, m)
		}
	}
	if c.IsSet("text") {
		cond.Text = c.String("text")
	}
	return nil
}
