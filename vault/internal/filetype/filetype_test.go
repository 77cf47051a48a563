package filetype

import "testing"

func TestActiveContent(t *testing.T) {
	for _, c := range []struct {
		in     string
		active bool
	}{
		{`<html><body><h1>Explanation of benefits</h1><p>Paid: $85.00</p></body></html>`, false},
		{`<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0L10 10"/><text>pain</text></svg>`, false},
		{`<p>Click <a href="https://example.org/eob">here</a> for the plan's notice.</p>`, false},
		{`<html><SCRIPT>fetch("/")</SCRIPT></html>`, true},
		{`<img src=x onerror=alert(1)>`, true},
		{`<body ONLOAD="go()">`, true},
		{`<svg><a xlink:href="javascript:alert(1)">x</a></svg>`, true},
		{`<svg><foreignObject><iframe src="x"></iframe></foreignObject></svg>`, true},
		{`<a href="&#106;avascript:alert(1)">x</a>`, true},
		{`<meta http-equiv="refresh" content="0;url=https://evil.example">`, true},
		{`<object data="x.swf"></object>`, true},
		{`<iframe src="data:text/html,<b>x</b>">`, true},
		{`<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>`, true},
		// Found by review: a slash before the handler, a tab or a
		// character reference inside the scheme, animated attributes.
		{`<p>x</p><svg/onload=alert(document.cookie)>`, true},
		{`<a href="java&#9;script:alert(1)">x</a>`, true},
		{"<a href=\"java\tscript:alert(1)\">x</a>", true},
		{`<svg><animate attributeName="href" values="&#106;avascript:alert(1)"/></svg>`, true},
		{`<p>It&#8217;s paid: &amp; done &mdash; see https://example.org/eob.</p>`, false},
	} {
		if got := ActiveContent([]byte(c.in)); got != c.active {
			t.Errorf("ActiveContent(%q) = %v, want %v", c.in, got, c.active)
		}
	}
}

func TestNeutralExtension(t *testing.T) {
	for _, c := range []struct {
		mediaType, name string
		text            bool
		want            string
		ok              bool
	}{
		{"application/pdf", "letter.pdf", false, "", false},
		{"image/jpeg", "IMG_1.jpg", false, "", false},
		{"application/octet-stream", "setup.exe", false, ".bin", true},
		{"text/plain", "run.sh", true, ".txt", true},
		{"text/html", "page.html", true, ".txt", true},
		{"application/zip", "scans.zip", false, ".bin", true},
	} {
		got, ok := NeutralExtension(c.mediaType, c.name, c.text)
		if got != c.want || ok != c.ok {
			t.Errorf("NeutralExtension(%s, %s) = %q, %v; want %q, %v", c.mediaType, c.name, got, ok, c.want, c.ok)
		}
	}
}

// FuzzActiveContent: never panics; a document found active stays active
// with text added around it (no pattern depends on what surrounds it).
func FuzzActiveContent(f *testing.F) {
	f.Add([]byte(`<script>x</script>`))
	f.Add([]byte(`<p onclick=1>`))
	f.Add([]byte(`plain`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if ActiveContent(b) && !ActiveContent(append(append([]byte("<p>x</p>\n"), b...), "\n<p>y</p>"...)) {
			t.Fatal("active content no longer found with text around it")
		}
	})
}
