package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"vault/vault"
)

func recAddCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "add",
		Usage:     "file documents under a claim: files, typed text (--text) or stdin (- --name FILE-NAME); all or none",
		ArgsUsage: "FILE... | --text \"...\" | - --name FILE-NAME",
		Flags: append(textFlag("text", "typed text to store instead of a file"),
			&cli.StringFlag{Name: "claim", Usage: "the claim's NAME (required)"},
			&cli.StringFlag{Name: "kind", Usage: "the kind of document (required): " + strings.Join(vault.DocumentKinds(), ", ")},
			&cli.StringFlag{Name: "date", Usage: "date of service (receipts, clinical notes) or the date written (default today)"},
			&cli.StringFlag{Name: "title", Usage: "a title (default: the file name, or the typed text's first line)"},
			&cli.StringFlag{Name: "amount", Usage: "a receipt's amount, such as 85.00"},
			recRepeatable("cpt", "a receipt's CPT code with units, such as 97124:2 (repeat for several)"),
			&cli.StringFlag{Name: "valid-until", Usage: "until when a referral, prescription, lmn or authorization is valid"},
			&cli.StringFlag{Name: "name", Usage: "the file name of what is read from stdin (-)"},
			&cli.BoolFlag{Name: "allow-duplicate", Usage: "store a file already stored under the claim"},
			&cli.BoolFlag{Name: "any-type", Usage: "store executables and archives too"},
		),
		Action: func(c *cli.Context) error {
			if err := readTextFiles(c, e, "text"); err != nil {
				return err
			}
			docs, err := recNewDocuments(c, e)
			if err != nil {
				return err
			}
			return recWithVault(c, e, false, func(v *vault.Vault) error {
				cl, err := recClaimByFlag(c, e, v)
				if err != nil {
					return err
				}
				added, warnings, err := v.AddDocuments(cl, docs, vault.AddOptions{AllowDuplicate: c.Bool("allow-duplicate"), AnyType: c.Bool("any-type")})
				if err != nil {
					return recFieldError(err)
				}
				for _, w := range warnings {
					recWarn(e, "%s", w)
				}
				for _, d := range added {
					what := d.FileName
					if d.Typed {
						what = "typed text"
					}
					fmt.Fprintf(e.stdout, "Added %s %s to %s: %s, %s (%s, %s)\n", d.Kind, d.ID, cl.Name, d.Date, what, recShortType(d.MediaType), recFormatSize(d.Size))
				}
				return nil
			})
		},
	}
}

// recNewDocuments reads add's flags and arguments into the documents to
// add, checking every file before the vault is opened.
func recNewDocuments(c *cli.Context, e *env) ([]vault.NewDocument, error) {
	kind := c.String("kind")
	if kind == "" {
		return nil, usagef("give the kind of document with --kind KIND (%s)", strings.Join(vault.DocumentKinds(), ", "))
	}
	kind, err := vault.ParseKind(kind)
	if err != nil {
		return nil, usagef("--kind: %v", err)
	}
	if !recClaimGiven(c, e) {
		return nil, usagef("give the claim with --claim NAME (see 'vault claim list'), or choose one with 'vault use NAME'")
	}
	base := vault.NewDocument{Kind: kind, Title: c.String("title")}
	if base.Date, err = recDateFlag(c, e, "date"); err != nil {
		return nil, err
	}
	if base.ValidUntil, err = recDateFlag(c, e, "valid-until"); err != nil {
		return nil, err
	}
	if base.Amount, err = recAmountFlag(c, "amount"); err != nil {
		return nil, err
	}
	for _, s := range recMultiValues(c, "cpt") {
		l, err := vault.ParseCPT(s)
		if err != nil {
			return nil, usagef("--cpt: %v", err)
		}
		base.CPT = append(base.CPT, l)
	}
	if (base.Amount != nil || len(base.CPT) > 0) && !vault.HasAmount(kind) {
		return nil, usagef("--amount and --cpt are for receipts, not for a %s", kind)
	}
	if base.ValidUntil != "" && !vault.HasValidUntil(kind) {
		return nil, usagef("--valid-until is for a referral, prescription, lmn or authorization, not for a %s", kind)
	}
	args := c.Args().Slice()
	switch {
	case c.IsSet("text"):
		if len(args) > 0 {
			return nil, usagef("give either --text or files, not both")
		}
		if c.IsSet("name") {
			return nil, usagef("--name names what is read from stdin (-); typed text has no file name")
		}
		text := c.String("text")
		if strings.TrimSpace(text) == "" {
			return nil, usagef("--text is empty: type the note, or give files")
		}
		d := base
		d.Typed = true
		d.Open = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(text)), nil }
		return []vault.NewDocument{d}, nil
	case len(args) == 0:
		return nil, usagef("nothing to add: give FILE..., --text \"...\" or - --name FILE-NAME")
	}
	var docs []vault.NewDocument
	stdin := false
	for _, a := range args {
		d := base
		if a == "-" {
			if stdin {
				return nil, usagef("- (stdin) can be given only once")
			}
			stdin = true
			name := strings.TrimSpace(c.String("name"))
			if name == "" {
				return nil, usagef("give the file name of what is read from stdin with --name FILE-NAME")
			}
			d.FileName = name
			d.Open = func() (io.ReadCloser, error) { return recStdin(e.stdin), nil }
		} else {
			if err := recCheckFile(a); err != nil {
				return nil, err
			}
			d.FileName = a
			path := a
			d.Open = func() (io.ReadCloser, error) { return recOpenFile(path) }
		}
		docs = append(docs, d)
	}
	if c.IsSet("name") && !stdin {
		return nil, usagef("--name names what is read from stdin: give - as the file")
	}
	return docs, nil
}

// recCheckFile refuses what cannot be added before anything is stored: a
// missing, unreadable or empty file, a folder, a pipe or device. Messages
// name the file as vault.SafeName prints it.
func recCheckFile(path string) error {
	name := vault.SafeName(path)
	st, err := os.Stat(path)
	if err != nil {
		return recFileError(path, err)
	}
	switch {
	case st.IsDir():
		return fmt.Errorf("%s is a folder: give the files in it (nothing was added)", name)
	case !st.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file (a pipe, socket or device): only regular files or - (stdin) can be added (nothing was added)", name)
	case st.Size() == 0:
		return fmt.Errorf("%s is empty: nothing was added", name)
	}
	f, err := os.Open(path)
	if err != nil {
		return recFileError(path, err)
	}
	return f.Close()
}

// recOpenFile opens a file to add, checking again that it is a regular file.
// recStdin is standard input for add: not closed when the document is
// stored, and still a file when it is one (vault add - < scan.pdf), so that
// the vault can ask for it to be read ahead (store.ReadInput).
func recStdin(r io.Reader) io.ReadCloser {
	if f, ok := r.(*os.File); ok {
		return stdinFile{f}
	}
	return io.NopCloser(r)
}

// stdinFile is standard input with a Close that leaves it open.
type stdinFile struct{ *os.File }

// Close does nothing: standard input belongs to the process.
func (stdinFile) Close() error { return nil }

func recOpenFile(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("cannot open: %w", err)
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = errors.New("not a regular file")
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// recFileError says why a file cannot be read, naming it once (as
// vault.SafeName prints it).
func recFileError(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: no such file (nothing was added)", vault.SafeName(path))
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%s: permission denied: the file cannot be read (nothing was added)", vault.SafeName(path))
	}
	return fmt.Errorf("%w (nothing was added)", unwrapPathError(err))
}

// recShortType drops a media type's parameters: "text/plain".
func recShortType(t string) string {
	base, _, _ := strings.Cut(t, ";")
	return strings.TrimSpace(base)
}
