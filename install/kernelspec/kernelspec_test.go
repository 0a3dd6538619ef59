package kernelspec

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fakeKernel writes a stand-in executable and returns its path.
func fakeKernel(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fake-gograd")
	if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDataDir(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", "")
	type test struct {
		name   string
		env    map[string]string
		loc    Location
		prefix string
		want   string
	}
	tests := []test{
		{"jupyter data dir wins", map[string]string{"JUPYTER_DATA_DIR": "/opt/jd", "XDG_DATA_HOME": "/x"}, User, "", "/opt/jd"},
		{"virtualenv", map[string]string{"VIRTUAL_ENV": "/venv", "CONDA_PREFIX": "/conda"}, SysPrefix, "", "/venv/share/jupyter"},
		{"conda", map[string]string{"VIRTUAL_ENV": "", "CONDA_PREFIX": "/conda"}, SysPrefix, "", "/conda/share/jupyter"},
		{"prefix", nil, Prefix, "/p", "/p/share/jupyter"},
	}
	if runtime.GOOS == "linux" {
		tests = append(tests,
			test{"xdg", map[string]string{"JUPYTER_DATA_DIR": "", "XDG_DATA_HOME": "/x"}, User, "", "/x/jupyter"},
			test{"home", map[string]string{"JUPYTER_DATA_DIR": ""}, User, "", filepath.Join(home, ".local/share/jupyter")},
		)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			got, err := DataDir(tt.loc, tt.prefix)
			if err != nil {
				t.Fatalf("DataDir: %v", err)
			}
			if got != tt.want {
				t.Errorf("DataDir(%v, %q) = %q, want %q", tt.loc, tt.prefix, got, tt.want)
			}
		})
	}
}

func TestOptionsErrors(t *testing.T) {
	tests := []struct {
		opts Options
		want string
	}{
		{Options{Name: "has space"}, "invalid kernel name"},
		{Options{Name: "a/b"}, "invalid kernel name"},
		{Options{Name: ".."}, "invalid kernel name"},
		{Options{Location: Prefix}, "--prefix needs a directory"},
		{Options{Location: Location(9)}, "unknown location"},
	}
	for _, tt := range tests {
		_, err := tt.opts.Dir()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: Dir error = %v, want one containing %q", tt.opts, err, tt.want)
		}
	}
}

func TestInstallWritesSpec(t *testing.T) {
	t.Parallel()
	prefix := t.TempDir()
	opts := Options{Location: Prefix, Prefix: prefix}
	res, err := Install(opts, fakeKernel(t, "v1"))
	if err != nil {
		t.Fatalf("Install: %v", err)
	}
	wantDir := filepath.Join(prefix, "share", "jupyter", "kernels", "gograd")
	if res.Dir != wantDir {
		t.Errorf("Dir = %q, want %q", res.Dir, wantDir)
	}
	raw, err := os.ReadFile(filepath.Join(wantDir, "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec map[string]any
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatalf("kernel.json is not JSON: %v", err)
	}
	bin := filepath.Join(wantDir, BinaryName())
	argv, _ := spec["argv"].([]any)
	wantArgv := []string{bin, "kernel", "--connection-file", "{connection_file}"}
	if len(argv) != len(wantArgv) {
		t.Fatalf("argv = %v, want %v", argv, wantArgv)
	}
	for i := range wantArgv {
		if argv[i] != wantArgv[i] {
			t.Errorf("argv[%d] = %v, want %q", i, argv[i], wantArgv[i])
		}
	}
	if !filepath.IsAbs(bin) {
		t.Errorf("binary path %q is not absolute", bin)
	}
	for k, want := range map[string]string{"display_name": "Go (gograd)", "language": "go", "interrupt_mode": "message"} {
		if spec[k] != want {
			t.Errorf("kernel.json %s = %v, want %q", k, spec[k], want)
		}
	}
	got, err := os.ReadFile(bin)
	if err != nil || string(got) != "v1" {
		t.Errorf("installed binary = %q, %v; want the copied content v1", got, err)
	}
	if fi, err := os.Stat(bin); err != nil || fi.Mode().Perm()&0o111 == 0 {
		t.Errorf("installed binary is not executable: %v %v", fi.Mode(), err)
	}
	for _, size := range []int{32, 64} {
		f, err := os.Open(filepath.Join(wantDir, "logo-"+itoa(size)+"x"+itoa(size)+".png"))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width != size || cfg.Height != size {
			t.Errorf("logo %d: %dx%d, %v; want %dx%d PNG", size, cfg.Width, cfg.Height, err, size, size)
		}
	}
	svg, err := os.ReadFile(filepath.Join(wantDir, "logo-svg.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(svg, new(struct{})); err != nil {
		t.Errorf("logo-svg.svg is not well-formed XML: %v", err)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestInstallIsIdempotent(t *testing.T) {
	t.Parallel()
	prefix := t.TempDir()
	opts := Options{Location: Prefix, Prefix: prefix, Name: "gograd-test", DisplayName: "Test"}
	if _, err := Install(opts, fakeKernel(t, "old")); err != nil {
		t.Fatal(err)
	}
	res, err := Install(opts, fakeKernel(t, "new"))
	if err != nil {
		t.Fatalf("second Install: %v", err)
	}
	got, _ := os.ReadFile(res.Binary)
	if string(got) != "new" {
		t.Errorf("binary after reinstall = %q, want new", got)
	}
	entries, err := os.ReadDir(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{BinaryName(), "kernel.json", "logo-32x32.png", "logo-64x64.png", "logo-svg.svg"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("spec dir holds %v, want exactly %v (no leftovers)", names, want)
	}
	if res.Spec.DisplayName != "Test" {
		t.Errorf("display name = %q, want Test", res.Spec.DisplayName)
	}
}

func TestInstallMissingBinary(t *testing.T) {
	t.Parallel()
	_, err := Install(Options{Location: Prefix, Prefix: t.TempDir()}, filepath.Join(t.TempDir(), "absent"))
	if err == nil || !strings.Contains(err.Error(), "kernel executable") {
		t.Errorf("Install with a missing binary: err = %v, want a kernel executable error", err)
	}
}

func TestUninstall(t *testing.T) {
	t.Parallel()
	prefix := t.TempDir()
	opts := Options{Location: Prefix, Prefix: prefix}
	if _, removed, err := Uninstall(opts); err != nil || removed {
		t.Fatalf("Uninstall of nothing = %v, %v; want false, nil", removed, err)
	}
	res, err := Install(opts, fakeKernel(t, "x"))
	if err != nil {
		t.Fatal(err)
	}
	dir, removed, err := Uninstall(opts)
	if err != nil || !removed || dir != res.Dir {
		t.Fatalf("Uninstall = %q, %v, %v; want %q, true, nil", dir, removed, err, res.Dir)
	}
	if _, err := os.Stat(res.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("spec dir still there after Uninstall: %v", err)
	}

	// A directory that is not a kernelspec is never removed.
	other := Options{Location: Prefix, Prefix: prefix, Name: "other"}
	d, _ := other.Dir()
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Uninstall(other); err == nil {
		t.Error("Uninstall removed a directory without kernel.json")
	}
	if _, err := os.Stat(d); err != nil {
		t.Errorf("non-kernelspec directory was removed: %v", err)
	}
}

func TestRunCommand(t *testing.T) {
	t.Parallel()
	prefix := t.TempDir()
	bin := fakeKernel(t, "k")
	built := 0
	exe := func(context.Context, io.Writer) (string, func(), error) {
		built++
		return bin, func() {}, nil
	}
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := RunCommand(context.Background(), args, exe, &out, io.Discard)
		return out.String(), err
	}
	out, err := run("--prefix", prefix, "--name", "gg")
	if err != nil {
		t.Fatalf("install: %v", err)
	}
	dir := filepath.Join(prefix, "share", "jupyter", "kernels", "gg")
	if !strings.Contains(out, dir) {
		t.Errorf("install output %q does not say where (%s)", out, dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "kernel.json")); err != nil {
		t.Errorf("no kernel.json: %v", err)
	}
	out, err = run("--prefix", prefix, "--name", "gg", "--uninstall")
	if err != nil || !strings.Contains(out, "removed") {
		t.Errorf("uninstall: %q, %v", out, err)
	}
	if built != 1 {
		t.Errorf("executable built %d times, want 1 (uninstall must not build)", built)
	}

	usage := [][]string{
		{"--prefix", prefix, "--sys-prefix"},
		{"--user", "--prefix", prefix},
		{"--name", "bad name"},
		{"extra"},
		{"--bogus"},
	}
	for _, args := range usage {
		if _, err := run(args...); !errors.Is(err, ErrUsage) {
			t.Errorf("install %v: err = %v, want a usage error", args, err)
		}
	}
}

func TestLogoPNGRejectsBadSize(t *testing.T) {
	t.Parallel()
	for _, size := range []int{0, 7, 2000} {
		if _, err := LogoPNG(size); err == nil {
			t.Errorf("LogoPNG(%d) succeeded, want an error", size)
		}
	}
}

func TestLogoHasCurves(t *testing.T) {
	t.Parallel()
	img := Logo(64)
	// The corner is transparent, the centre of the tanh curve is white and
	// the top of the derivative's bell is amber.
	if a := img.NRGBAAt(0, 0).A; a != 0 {
		t.Errorf("corner alpha = %d, want 0", a)
	}
	if c := img.NRGBAAt(32, 32); c != logoCurve {
		t.Errorf("centre pixel = %v, want the curve colour %v", c, logoCurve)
	}
	if c := img.NRGBAAt(32, 14); c != logoDerivative {
		t.Errorf("bell top pixel = %v, want the derivative colour %v", c, logoDerivative)
	}
	if c := img.NRGBAAt(12, 56); c != logoBackground {
		t.Errorf("empty pixel = %v, want the background %v", c, logoBackground)
	}
}
