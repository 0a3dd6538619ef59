package kernel

import (
	"context"
	"runtime"
	"strings"

	"github.com/gograd/gograd/kernel/wire"
)

const defaultBanner = `gograd — Go with automatic differentiation, in Jupyter.
The packages ad (differentiable arrays) and display (rich output) are preloaded; %help lists more.`

// handleKernelInfo answers kernel_info_request (on shell and control).
func (k *Kernel) handleKernelInfo(_ context.Context, req *Request) {
	req.Reply(k.kernelInfo())
}

func (k *Kernel) kernelInfo() wire.KernelInfoReply {
	banner := k.opts.Banner
	if banner == "" {
		banner = defaultBanner
	}
	langVersion := k.opts.LanguageVersion
	if langVersion == "" {
		langVersion = strings.TrimPrefix(runtime.Version(), "go")
	}
	version := k.opts.Version
	if version == "" {
		version = "dev"
	}
	return wire.KernelInfoReply{
		Status:                wire.StatusOK,
		ProtocolVersion:       wire.ProtocolVersion,
		Implementation:        "gograd",
		ImplementationVersion: version,
		LanguageInfo: wire.LanguageInfo{
			Name:              "go",
			Version:           langVersion,
			Mimetype:          "text/x-go",
			FileExtension:     ".go",
			PygmentsLexer:     "go",
			CodemirrorMode:    "go",
			NbconvertExporter: "script",
		},
		Banner: banner,
		HelpLinks: []wire.HelpLink{
			{Text: "Go language specification", URL: "https://go.dev/ref/spec"},
			{Text: "Go standard library", URL: "https://pkg.go.dev/std"},
			{Text: "gograd ad package", URL: "https://pkg.go.dev/github.com/gograd/gograd/ad"},
			{Text: "gograd display package", URL: "https://pkg.go.dev/github.com/gograd/gograd/display"},
			{Text: "gonum/plot", URL: "https://pkg.go.dev/gonum.org/v1/plot"},
		},
	}
}
