package main

import (
	"strings"
	"testing"
)

func TestChooseCore(t *testing.T) {
	all := cpuFeatures{avx2: true, fma: true, avx512: true}
	avx2 := cpuFeatures{avx2: true, fma: true}
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	none := env()
	cases := []struct {
		name, detected string
		cpu            cpuFeatures
		getenv         func(string) string
		want           string
	}{
		{"generic core, AVX-512 CPU", "Prescott", all, none, "SkylakeX"},
		{"generic core, AVX2 CPU", "Prescott", avx2, none, "Haswell"},
		{"other generic names", "Core2", avx2, none, "Haswell"},
		{"case and blanks", " sandybridge ", all, none, "SkylakeX"},
		{"unknown", "Unknown", avx2, none, "Haswell"},
		{"no FMA", "Prescott", cpuFeatures{avx2: true}, none, ""},
		{"no AVX2", "Prescott", cpuFeatures{fma: true, avx512: true}, none, ""},
		{"good core kept", "Haswell", all, none, ""},
		{"detected AVX-512 core kept", "Cooperlake", all, none, ""},
		{"core unknown to gograd kept", "SapphireRapids", all, none, ""},
		{"Zen kept", "Zen", all, none, ""},
		{"user's choice kept", "Prescott", all, env(coreTypeEnv, "Prescott"), ""},
		{"no second re-execution", "Prescott", all, env(reexecMarkerEnv, "Prescott"), ""},
		{"empty variable is unset", "Prescott", all, env(coreTypeEnv, ""), "SkylakeX"},
	}
	for _, tc := range cases {
		if got := chooseCore(tc.detected, tc.cpu, tc.getenv); got != tc.want {
			t.Errorf("%s: chooseCore(%q, %+v) = %q, want %q", tc.name, tc.detected, tc.cpu, got, tc.want)
		}
	}
}

func TestBLASDescription(t *testing.T) {
	d := blasDescription()
	if d == "" || strings.ContainsAny(d, "\n") {
		t.Fatalf("blasDescription() = %q, want one non-empty line", d)
	}
}
