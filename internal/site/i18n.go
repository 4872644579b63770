package site

import (
	"strings"
	"time"

	"github.com/pressbot/pressbot/internal/datefmt"
)

// words are the interface strings of the newsroom in one language. Empty
// is what a list without releases says; EmptyNow says it of a list whose
// releases were all withdrawn.
type words struct {
	Skip, Home, AllLangs, Latest, Tags, TagsTitle, AlsoIn, Newer, Older, Page, Of, Feeds, LangNav, Pages, TaggedWith, Empty, EmptyNow, NotFound, NotFoundText, Withdrawn, WithdrawnText string
	// Archive heads the folder pages of releases/ ("Archive: 2019") and
	// names the link to them; Sections names their list of subfolders.
	Archive, Sections string
}

// ui holds the interface strings per language: a lower-case tag with its
// script where that matters (uz-cyrl), else the primary subtag. English is
// the fallback for any other language.
var ui = map[string]words{
	"en": {
		Skip: "Skip to content", Home: "Newsroom", AllLangs: "All languages", Latest: "Latest releases",
		Tags: "Tags", TagsTitle: "All tags", AlsoIn: "Also available in", Newer: "Newer", Older: "Older",
		Page: "Page", Of: "of", Feeds: "Subscribe", LangNav: "Languages", Pages: "Pages", TaggedWith: "Tagged", Empty: "No releases yet.",
		EmptyNow: "No releases are published at the moment.",
		NotFound: "Page not found", NotFoundText: "There is no page at this address: the link may be mistyped, or the page was moved or withdrawn.",
		Withdrawn: "Release withdrawn", WithdrawnText: "The office has withdrawn the release that was at this address.",
		Archive: "Archive", Sections: "Sections",
	},
	"ru": {
		Skip: "Перейти к содержанию", Home: "Пресс-центр", AllLangs: "Все языки", Latest: "Последние пресс-релизы",
		Tags: "Теги", TagsTitle: "Все теги", AlsoIn: "На других языках", Newer: "Новее", Older: "Старше",
		Page: "Страница", Of: "из", Feeds: "Подписаться", LangNav: "Языки", Pages: "Страницы", TaggedWith: "Тег", Empty: "Пресс-релизов пока нет.",
		EmptyNow: "Сейчас опубликованных пресс-релизов нет.",
		NotFound: "Страница не найдена", NotFoundText: "По этому адресу страницы нет: возможно, в ссылке опечатка или страница перемещена либо отозвана.",
		Withdrawn: "Пресс-релиз отозван", WithdrawnText: "Пресс-релиз, который был по этому адресу, отозван.",
		Archive: "Архив", Sections: "Разделы",
	},
	"uz": {
		Skip: "Asosiy mazmunga oʻtish", Home: "Matbuot markazi", AllLangs: "Barcha tillar", Latest: "Soʻnggi press-relizlar",
		Tags: "Teglar", TagsTitle: "Barcha teglar", AlsoIn: "Boshqa tillarda", Newer: "Yangiroq", Older: "Eskiroq",
		Page: "Sahifa", Of: "/", Feeds: "Obuna boʻlish", LangNav: "Tillar", Pages: "Sahifalar", TaggedWith: "Teg", Empty: "Hozircha press-relizlar yoʻq.",
		EmptyNow: "Hozirda eʼlon qilingan press-relizlar yoʻq.",
		NotFound: "Sahifa topilmadi", NotFoundText: "Bu manzilda sahifa yoʻq: havolada xato boʻlishi yoki sahifa koʻchirilgan yoxud olib tashlangan boʻlishi mumkin.",
		Withdrawn: "Press-reliz qaytarib olindi", WithdrawnText: "Bu manzilda boʻlgan press-reliz qaytarib olindi.",
		Archive: "Arxiv", Sections: "Boʻlimlar",
	},
	// Uzbek in Cyrillic script: the Latin strings above, transliterated.
	"uz-cyrl": {
		Skip: "Асосий мазмунга ўтиш", Home: "Матбуот маркази", AllLangs: "Барча тиллар", Latest: "Сўнгги пресс-релизлар",
		Tags: "Теглар", TagsTitle: "Барча теглар", AlsoIn: "Бошқа тилларда", Newer: "Янгироқ", Older: "Эскироқ",
		Page: "Саҳифа", Of: "/", Feeds: "Обуна бўлиш", LangNav: "Тиллар", Pages: "Саҳифалар", TaggedWith: "Тег", Empty: "Ҳозирча пресс-релизлар йўқ.",
		EmptyNow: "Ҳозирда эълон қилинган пресс-релизлар йўқ.",
		NotFound: "Саҳифа топилмади", NotFoundText: "Бу манзилда саҳифа йўқ: ҳаволада хато бўлиши ёки саҳифа кўчирилган ёхуд олиб ташланган бўлиши мумкин.",
		Withdrawn: "Пресс-релиз қайтариб олинди", WithdrawnText: "Бу манзилда бўлган пресс-релиз қайтариб олинди.",
		Archive: "Архив", Sections: "Бўлимлар",
	},
}

// wordsFor returns the interface strings for a BCP 47 tag: those of the
// tag itself (uz-Cyrl), else of its primary subtag (uz for uz-Latn).
func wordsFor(lang string) words {
	if w, ok := ui[strings.ToLower(lang)]; ok {
		return w
	}
	if w, ok := ui[primary(lang)]; ok {
		return w
	}
	return ui["en"]
}

// uiLang returns the language of the interface wordsFor(lang) gives: lang
// itself, or English for a language without words of its own, so that a
// page's <html lang> matches its headings (its entries carry their own).
func uiLang(lang string) string {
	_, own := ui[strings.ToLower(lang)]
	_, prim := ui[primary(lang)]
	if own || prim {
		return lang
	}
	return "en"
}

// primary returns the lower-cased primary subtag of a BCP 47 tag.
func primary(lang string) string {
	if i := strings.IndexByte(lang, '-'); i >= 0 {
		lang = lang[:i]
	}
	return strings.ToLower(lang)
}

// langNames are the endonyms shown in language menus.
var langNames = map[string]string{
	"en": "English", "ru": "Русский", "uz": "Oʻzbekcha", "uz-cyrl": "Ўзбекча", "uz-latn": "Oʻzbekcha",
	"kk": "Қазақша", "ky": "Кыргызча", "tg": "Тоҷикӣ", "tk": "Türkmençe", "fr": "Français", "es": "Español",
	"ar": "العربية", "zh": "中文", "de": "Deutsch",
}

// langName returns the name of a language in itself, or the tag when
// unknown.
func langName(lang string) string {
	if n, ok := langNames[strings.ToLower(lang)]; ok {
		return n
	}
	if n, ok := langNames[primary(lang)]; ok {
		return n
	}
	return lang
}

// formatDate writes t's calendar date the way the language writes it in a
// dateline, as the channels' posts do; languages without date forms get
// ISO 8601.
func formatDate(t time.Time, lang string) string {
	if !datefmt.Known(lang) {
		return t.Format(time.DateOnly)
	}
	return datefmt.Format(t, lang)
}
