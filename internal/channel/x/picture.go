package x

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// pictureError is a picture that could not be fetched.
type pictureError struct {
	transient bool
	err       error
}

func (e *pictureError) Error() string { return e.err.Error() }

// pictureTypes are the image types X accepts for tweet_image.
var pictureTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true}

// fetch downloads a picture by URL with the unsigned client and returns its
// bytes and sniffed type. Network failures and 5xx/429 answers are
// transient; a missing, oversized or non-image picture is permanent.
func (c *Channel) fetch(ctx context.Context, u string) ([]byte, string, error) {
	pu, err := url.Parse(u)
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return nil, "", &pictureError{err: fmt.Errorf("fetch picture: %q is not an http(s) URL: fix the release's image", u)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, "", &pictureError{err: fmt.Errorf("fetch picture: %w", err)}
	}
	resp, err := c.plain.Do(req)
	if err != nil {
		return nil, "", &pictureError{transient: true, err: fmt.Errorf("fetch picture: %w", c.scrub(err))}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		transient := resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests
		return nil, "", &pictureError{transient: transient, err: fmt.Errorf("fetch picture: the server answered %s", resp.Status)}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxPictureBytes+1))
	if err != nil {
		return nil, "", &pictureError{transient: true, err: fmt.Errorf("fetch picture: %w", c.scrub(err))}
	}
	if len(data) > maxPictureBytes {
		return nil, "", &pictureError{err: fmt.Errorf("fetch picture: larger than X's %d MB limit for images: use a smaller image", maxPictureBytes>>20)}
	}
	ctype := http.DetectContentType(data)
	if !pictureTypes[ctype] {
		return nil, "", &pictureError{err: fmt.Errorf("fetch picture: %s is not a JPEG, PNG, GIF or WebP picture", ctype)}
	}
	return data, ctype, nil
}
