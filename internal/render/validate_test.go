package render

import "testing"

func TestValidateTelegramHTML(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{`plain &lt;text&gt; &amp; &quot;q&quot; &#169; &#x1F600;`, true},
		{`<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del>`, true},
		{`<tg-spoiler>x</tg-spoiler><span class="tg-spoiler">y</span>`, true},
		{`<a href="https://x.org/?a=1&amp;b=2"><b>link</b></a>`, true},
		{`<a href="tg://resolve?domain=x">t</a> <a href="mailto:a@b.org">m</a>`, true},
		{`<pre><code class="language-go">x &lt; y</code></pre>`, true},
		{`<blockquote>q <b>b</b></blockquote><blockquote expandable>e</blockquote>`, true},
		{`<b>bold <code>code</code></b>`, true},
		{`<h1>x</h1>`, false},
		{`<p>x</p>`, false},
		{`<script>alert(1)</script>`, false},
		{`<b>x</i>`, false},
		{`<b><i>x</b></i>`, false},
		{`<b>x`, false},
		{`x</b>`, false},
		{`<blockquote>a<blockquote>b</blockquote></blockquote>`, false},
		{`<blockquote><pre>x</pre></blockquote>`, false},
		{`<code><b>x</b></code>`, false},
		{`<pre><b>x</b></pre>`, false},
		{`<code class="language-go">x</code>`, false},
		{`<a href="https://x.org"><a href="https://y.org">x</a></a>`, false},
		{`<a href="https://x.org"><code>x</code></a>`, false},
		{`<a href="javascript:alert(1)">x</a>`, false},
		{`<a href="data:text/html,x">x</a>`, false},
		{`<a>x</a>`, false},
		{`<a href="https://x.org" onclick="y">x</a>`, false},
		{`<b class="x">x</b>`, false},
		{`<span>x</span>`, false},
		{`a & b`, false},
		{`&copy;`, false},
		{`&nbsp;`, false},
		{`a > b`, false},
		{`a < b`, false},
		{`<a href="https://x.org/?a=1&b=2">x</a>`, false},
		{`<b`, false},
	}
	for _, tt := range tests {
		err := ValidateTelegramHTML(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ValidateTelegramHTML(%q) = %v, want ok=%v", tt.in, err, tt.ok)
		}
	}
}
