package packet

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// attachment is a file attached to the packet.
type attachment struct {
	name string
	desc string
	data []byte
}

// slot is one page of the packet: a page of the layout, and for an
// imported page the PDF and page it comes from (the layout's page then
// only carries its header and stamp).
type slot struct {
	pdf  *importedPDF // nil: the layout's page is the page
	page int          // page number in pdf, from 1
}

// compose makes the packet's PDF: the layout's pages, where each imported
// page takes the place of its carrier, scaled to leave the header and stamp
// bands free and overlaid with the carrier's header and stamp; then the
// attachments.
func compose(layoutPDF []byte, slots []slot, attachments []attachment, modTime time.Time) ([]byte, error) {
	conf := pdfConfig()
	conf.Cmd = model.MERGECREATE
	ctx, err := api.ReadContext(bytes.NewReader(layoutPDF), conf)
	if err != nil {
		return nil, fmt.Errorf("read the packet's layout: %w", err)
	}
	if err := api.ValidateContext(ctx); err != nil {
		return nil, fmt.Errorf("read the packet's layout: %w", err)
	}
	if err := ctx.EnsurePageCount(); err != nil {
		return nil, fmt.Errorf("read the packet's layout: %w", err)
	}
	if ctx.PageCount != len(slots) {
		return nil, fmt.Errorf("the packet's layout has %d pages, not %d", ctx.PageCount, len(slots))
	}
	// Merge each imported PDF once; its pages follow the layout's.
	first := map[*importedPDF]int{} // the merged number of a PDF's page 1
	for _, s := range slots {
		if s.pdf == nil || first[s.pdf] != 0 {
			continue
		}
		src, err := api.ReadContext(bytes.NewReader(s.pdf.data), conf)
		if err != nil {
			return nil, fmt.Errorf("read a document to import: %w", err)
		}
		// Validation also loads every object (those in object streams
		// are otherwise read later, after the merge has renumbered the
		// others, and would point into the wrong document).
		if err := api.ValidateContext(src); err != nil {
			return nil, fmt.Errorf("read a document to import: %w", err)
		}
		if err := src.EnsurePageCount(); err != nil {
			return nil, fmt.Errorf("read a document to import: %w", err)
		}
		first[s.pdf] = ctx.PageCount + 1
		if err := pdfcpu.MergeXRefTables("", src, ctx, false, false); err != nil {
			return nil, fmt.Errorf("import a document: %w", err)
		}
		if ctx.PageCount != first[s.pdf]+src.PageCount-1 {
			return nil, fmt.Errorf("import a document: %d pages merged, expected %d", ctx.PageCount-first[s.pdf]+1, src.PageCount)
		}
	}
	// Read every page that will be kept, with what it inherits, before
	// the page tree is rebuilt.
	type page struct {
		ref  types.IndirectRef
		dict types.Dict
		inh  *model.InheritedPageAttrs
	}
	get := func(n int) (page, error) {
		d, ref, inh, err := ctx.PageDict(n, false)
		if err != nil || d == nil || ref == nil {
			return page{}, fmt.Errorf("page %d of the packet: %v", n, err)
		}
		return page{ref: *ref, dict: d, inh: inh}, nil
	}
	kids := make(types.Array, 0, len(slots))
	var pages []page
	for i, s := range slots {
		carrier, err := get(i + 1)
		if err != nil {
			return nil, err
		}
		if s.pdf == nil {
			pages = append(pages, carrier)
			continue
		}
		imp, err := get(first[s.pdf] + s.page - 1)
		if err != nil {
			return nil, err
		}

		content, err := ctx.PageContent(carrier.dict, i+1)
		if err != nil {
			return nil, fmt.Errorf("page %d of the packet: %w", i+1, err)
		}
		if err := overlay(ctx, imp.dict, imp.inh, carrier.inh, content, i+1); err != nil {
			return nil, err
		}
		pages = append(pages, imp)
	}
	// One flat page tree, in the packet's order; every page states what it
	// inherited from the trees it came from.
	root := types.NewDict()
	root.InsertName("Type", "Pages")
	rootRef, err := ctx.IndRefForNewObject(root)
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		d := p.dict
		if p.inh.Resources != nil {
			d.Update("Resources", p.inh.Resources)
		} else if _, ok := d.Find("Resources"); !ok {
			d.Insert("Resources", types.NewDict())
		}
		d.Update("MediaBox", p.inh.MediaBox.Array())
		if p.inh.CropBox != nil {
			d.Update("CropBox", p.inh.CropBox.Array())
		}
		if r := normRotate(p.inh.Rotate); r != 0 {
			d.Update("Rotate", types.Integer(r))
		} else {
			d.Delete("Rotate")
		}
		d.Update("Parent", *rootRef)
		kids = append(kids, p.ref)
	}
	root.Insert("Kids", kids)
	root.Insert("Count", types.Integer(len(kids)))
	cat, err := ctx.Catalog()
	if err != nil {
		return nil, err
	}
	cat.Update("Pages", *rootRef)
	// Outlines, named destinations and forms of the imported documents
	// point into their own page trees: the packet has its own contents.
	cat.Delete("Outlines")
	ctx.PageCount = len(kids)

	// Name trees (where attachments live) are written only for the
	// commands that keep them, not for a merge.
	ctx.Configuration.Cmd = model.ADDATTACHMENTS
	for _, a := range attachments {
		mt := modTime
		if err := ctx.AddAttachment(model.Attachment{Reader: bytes.NewReader(a.data), ID: a.name, FileName: a.name, Desc: a.desc, ModTime: &mt}, false); err != nil {
			return nil, fmt.Errorf("attach %s: %w", a.name, err)
		}
	}
	var out bytes.Buffer
	if err := api.WriteContext(ctx, &out); err != nil {
		return nil, fmt.Errorf("write the packet: %w", err)
	}
	return out.Bytes(), nil
}

// affine is a PDF transformation matrix: x' = a·x + c·y + e, y' = b·x + d·y + f.
type affine struct{ a, b, c, d, e, f float64 }

// then is m followed by n.
func (m affine) then(n affine) affine {
	return affine{
		a: m.a*n.a + m.b*n.c, b: m.a*n.b + m.b*n.d,
		c: m.c*n.a + m.d*n.c, d: m.c*n.b + m.d*n.d,
		e: m.e*n.a + m.f*n.c + n.e, f: m.e*n.b + m.f*n.d + n.f,
	}
}

// inverse is m's inverse (m is never singular here: rotations and
// translations).
func (m affine) inverse() affine {
	det := m.a*m.d - m.b*m.c
	a, b, c, d := m.d/det, -m.b/det, -m.c/det, m.a/det
	return affine{a: a, b: b, c: c, d: d, e: -(m.e*a + m.f*c), f: -(m.e*b + m.f*d)}
}

// cm is the matrix as a content stream operator.
func (m affine) cm() string {
	return fmt.Sprintf("%s %s %s %s %s %s cm", num(m.a), num(m.b), num(m.c), num(m.d), num(m.e), num(m.f))
}

func num(x float64) string {
	s := strconv.FormatFloat(x, 'f', 5, 64)
	for len(s) > 1 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// visibleBox is the part of a page a reader shows: its crop box within its
// media box, or the media box.
func visibleBox(inh *model.InheritedPageAttrs) *types.Rectangle {
	mb := inh.MediaBox
	cb := inh.CropBox
	if cb == nil {
		return mb
	}
	llx, lly := max(mb.LL.X, cb.LL.X), max(mb.LL.Y, cb.LL.Y)
	urx, ury := min(mb.UR.X, cb.UR.X), min(mb.UR.Y, cb.UR.Y)
	if urx-llx < 1 || ury-lly < 1 {
		return mb
	}
	return types.NewRectangle(llx, lly, urx, ury)
}

// toVisual maps a page's user space onto what the reader shows, the page
// turned by its /Rotate (clockwise), with the visible box's lower left
// corner at the origin.
func toVisual(box *types.Rectangle, rotate int) affine {
	llx, lly, urx, ury := box.LL.X, box.LL.Y, box.UR.X, box.UR.Y
	switch normRotate(rotate) {
	case 90:
		return affine{a: 0, b: -1, c: 1, d: 0, e: -lly, f: urx}
	case 180:
		return affine{a: -1, b: 0, c: 0, d: -1, e: urx, f: ury}
	case 270:
		return affine{a: 0, b: 1, c: -1, d: 0, e: ury, f: -llx}
	}
	return affine{a: 1, d: 1, e: -llx, f: -lly}
}

// fitScale is the factor an imported page of height h (as shown) is scaled
// by so that its content stays clear of the header and stamp bands.
func fitScale(h float64) float64 {
	s := (h - bandTop - bandBottom) / h
	if s <= 0.1 {
		return 0.1
	}
	return s
}

// overlay scales an imported page's content into the space between the
// bands (centred, about the visible box as shown) and draws the carrier's
// header and stamp over it as a form XObject, upright however the page is
// rotated. The page keeps its size, rotation, annotations and resources.
func overlay(ctx *model.Context, d types.Dict, inh, carrierInh *model.InheritedPageAttrs, carrier []byte, pageNr int) error {
	box := visibleBox(inh)
	toV := toVisual(box, inh.Rotate)
	vw, vh := box.Width(), box.Height()
	if r := normRotate(inh.Rotate); r == 90 || r == 270 {
		vw, vh = vh, vw
	}
	s := fitScale(vh)
	scale := affine{a: s, d: s, e: (vw - s*vw) / 2, f: bandBottom}
	fromV := toV.inverse()
	content := toV.then(scale).then(fromV)

	// The carrier page as a form XObject in the shown coordinates.
	form, err := ctx.NewStreamDictForBuf(carrier)
	if err != nil {
		return err
	}
	form.InsertName("Type", "XObject")
	form.InsertName("Subtype", "Form")
	form.Insert("BBox", types.NewNumberArray(0, 0, vw, vh))
	if carrierInh.Resources != nil {
		form.Insert("Resources", carrierInh.Resources)
	}
	if err := form.Encode(); err != nil {
		return err
	}
	formRef, err := ctx.IndRefForNewObject(*form)
	if err != nil {
		return err
	}
	res := inh.Resources
	if res == nil {
		res = types.NewDict()
	}
	xo := types.NewDict()
	if o, ok := res.Find("XObject"); ok {
		if old, err := ctx.DereferenceDict(o); err == nil && old != nil {
			xo = old.Clone().(types.Dict)
		}
	}
	name := "VaultStamp"
	for i := 1; ; i++ {
		if _, taken := xo.Find(name); !taken {
			break
		}
		name = fmt.Sprintf("VaultStamp%d", i)
	}
	xo.Update(name, *formRef)
	res.Update("XObject", xo)
	inh.Resources = res

	// Clip to the visible box so that what lay outside it stays hidden
	// once scaled in.
	pre := fmt.Sprintf("q %s %s %s %s %s re W n\n", content.cm(), num(box.LL.X), num(box.LL.Y), num(box.Width()), num(box.Height()))
	post := fmt.Sprintf("\nQ q %s /%s Do Q\n", fromV.cm(), name)
	preRef, err := contentStream(ctx, pre)
	if err != nil {
		return err
	}
	postRef, err := contentStream(ctx, post)
	if err != nil {
		return err
	}
	arr := types.Array{*preRef}
	if o, ok := d.Find("Contents"); ok {
		o, err := ctx.Dereference(o)
		if err != nil {
			return fmt.Errorf("page %d of the packet: %w", pageNr, err)
		}
		switch o := o.(type) {
		case types.Array:
			arr = append(arr, o...)
		case types.StreamDict:
			c, _ := d.Find("Contents")
			arr = append(arr, c)
		}
	}
	arr = append(arr, *postRef)
	d.Update("Contents", arr)
	return nil
}

// contentStream adds a compressed content stream.
func contentStream(ctx *model.Context, s string) (*types.IndirectRef, error) {
	sd, err := ctx.NewStreamDictForBuf([]byte(s))
	if err != nil {
		return nil, err
	}
	if err := sd.Encode(); err != nil {
		return nil, err
	}
	return ctx.IndRefForNewObject(*sd)
}
