package plaintext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Slug limits.
const (
	maxSlugWords = 6
	maxSlugLen   = 50
)

// translit spells Cyrillic letters (Russian, Uzbek, Kazakh, Kyrgyz,
// Tajik) in Latin, as the corpus generator does.
var translit = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "yo", 'ж': "zh", 'з': "z",
	'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r",
	'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch",
	'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
	'ў': "o", 'қ': "q", 'ғ': "g", 'ҳ': "h", 'і': "i", 'ә': "a", 'ө': "o", 'ү': "u", 'ң': "n",
	'ұ': "u", 'һ': "h", 'ӣ': "i", 'ӯ': "u", 'ҷ': "j",
}

// apostrophes are dropped from slugs, so "O‘zbekiston" gives "ozbekiston"
// and "UNODC's" gives "unodcs".
const apostrophes = "'‘’ʻʼ`´"

// slugStop are words a slug does not end on.
var slugStop = set("a", "an", "the", "and", "or", "of", "in", "on", "for", "to", "with", "at", "by", "from",
	"i", "v", "na", "s", "o", "po", "dlya", "k", "ot", "va", "uchun", "bilan")

// Slug makes a file name from a title: transliterated to Latin, accents
// and apostrophes dropped, lower case, words joined by hyphens, at most six
// words and 50 bytes, cut at a word and not ending on a short function
// word. A title with nothing to spell gives "release".
func Slug(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		if t, ok := translit[r]; ok {
			b.WriteString(t)
			continue
		}
		for _, d := range norm.NFD.String(string(r)) {
			switch {
			case strings.ContainsRune(apostrophes, d) || unicode.Is(unicode.Mn, d):
			case d < utf8.RuneSelf && (unicode.IsLetter(d) || unicode.IsDigit(d)):
				b.WriteRune(d)
			default:
				b.WriteByte(' ')
			}
		}
	}
	fields := strings.Fields(b.String())
	if len(fields) > 0 && len(fields[0]) > maxSlugLen {
		fields[0] = fields[0][:maxSlugLen]
	}
	var words []string
	n := 0
	for _, w := range fields {
		if len(words) == maxSlugWords || n+len(w) > maxSlugLen {
			break
		}
		words = append(words, w)
		n += len(w) + 1
	}
	for len(words) > 1 && slugStop[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	if len(words) == 0 {
		return "release"
	}
	return strings.Join(words, "-")
}
