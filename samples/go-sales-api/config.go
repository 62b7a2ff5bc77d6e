package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// config holds every setting; each one comes from a flag, else from its SALES_* variable, else the default.
type config struct {
	apiHost   string
	apiPort   int
	debugHost string
	debugPort int
	dataDir   string
	activeKid string
	keysPath  string
}

const defaultKid = "54bb2165-71e1-41a6-af3e-7da4a0e1e2c1"

func loadConfig(args []string) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("go-sales-api", flag.ContinueOnError)
	fs.StringVar(&cfg.apiHost, "api-host", envString("SALES_API_HOST", "0.0.0.0"), "API listen address (SALES_API_HOST)")
	fs.IntVar(&cfg.apiPort, "api-port", envInt("SALES_API_PORT", 3000), "API port; 0 picks a free one (SALES_API_PORT)")
	fs.StringVar(&cfg.debugHost, "debug-host", envString("SALES_DEBUG_HOST", "127.0.0.1"), "debug listen address (SALES_DEBUG_HOST)")
	fs.IntVar(&cfg.debugPort, "debug-port", envInt("SALES_DEBUG_PORT", 4000), "debug port for /debug/vars and /debug/pprof (SALES_DEBUG_PORT)")
	fs.StringVar(&cfg.dataDir, "data-dir", envString("SALES_DATA_DIR", filepath.Join(os.TempDir(), "sales-api")), "data directory (SALES_DATA_DIR)")
	fs.StringVar(&cfg.activeKid, "active-kid", envString("SALES_ACTIVE_KID", defaultKid), "key id of the signing key (SALES_ACTIVE_KID)")
	fs.StringVar(&cfg.keysPath, "keys-path", envString("SALES_KEYS_PATH", ""), "PEM RSA private key; generated into <data-dir>/keys/<kid>.pem when unset (SALES_KEYS_PATH)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if cfg.keysPath == "" {
		cfg.keysPath = filepath.Join(cfg.dataDir, "keys", cfg.activeKid+".pem")
	}
	if cfg.apiPort < 0 || cfg.apiPort > 65535 || cfg.debugPort < 0 || cfg.debugPort > 65535 {
		return config{}, fmt.Errorf("ports must be numbers between 0 and 65535 (got api %d, debug %d; -1 means not a number)", cfg.apiPort, cfg.debugPort)
	}
	return cfg, nil
}

func envString(name, fallback string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return fallback
}

// envInt returns -1 for a value that is not a number, so the range check names the problem.
func envInt(name string, fallback int) int {
	v, ok := os.LookupEnv(name)
	if !ok || v == "" {
		return fallback
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return -1
	}
	return n
}
