package line_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"

	"github.com/socialdesk/socialdesk/enquiry"
	"github.com/socialdesk/socialdesk/line"
	"github.com/socialdesk/socialdesk/line/linetest"
)

// FetchContent streams a customer's image into the host's blob store;
// video LINE is still preparing is retried later.
func ExampleClient_FetchContent() {
	p := linetest.New()
	defer p.Close()
	p.AddChannel(linetest.Channel{Token: "access-token", BotUserID: "Ubot"})
	var photo bytes.Buffer // the customer's image: a grey 32×32 PNG
	if err := png.Encode(&photo, image.NewGray(image.Rect(0, 0, 32, 32))); err != nil {
		panic(err)
	}
	p.AddContent("468789577898262530", linetest.Content{Data: photo.Bytes(), ContentType: "image/png"})
	p.AddContent("468789577898262531", linetest.Content{Data: []byte("an mp4 being prepared"), Transcoding: "processing"})

	client := line.NewClient(line.Config{APIBase: p.URL(), DataAPIBase: p.DataURL()})
	ch := enquiry.Channel{ID: "support", Kind: "line", State: enquiry.Active,
		Credentials: enquiry.Credentials{Token: "access-token"}}
	blobs := &enquiry.MemBlobs{} // the host's enquiry.BlobStore

	ref, err := client.FetchContent(context.Background(), ch,
		line.ContentSource{MessageID: "468789577898262530", Kind: "image"}, blobs, "support/468789577898262530")
	fmt.Println(ref.Kind, ref.Size > 0, ref.Key, err)

	_, err = client.FetchContent(context.Background(), ch,
		line.ContentSource{MessageID: "468789577898262531", Kind: "video"}, blobs, "support/468789577898262531")
	fmt.Println(errors.Is(err, line.ErrNotReady))
	// Output:
	// image true support/468789577898262530 <nil>
	// true
}
