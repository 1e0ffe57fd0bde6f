package example

// The test helper: one fakecloud for the whole package (TestMain), gophercloud clients for the
// default fixture's users, and the control API (/_fakecloud) over net/http.
//
// Where the cloud comes from:
//   - FAKECLOUD_URL set: that cloud is used as it is (its clock is switched to manual; each test
//     resets it);
//   - otherwise FAKECLOUD_BIN, else `fakecloud` on PATH, is started with
//     `fakecloud serve --listen 127.0.0.1:0 --clock manual` and stopped when the tests end.

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud"
	"github.com/gophercloud/gophercloud/openstack"
)

// users of fakecloud's embedded default fixture: password and the project each one logs in to.
var users = map[string][2]string{
	"admin":    {"admin-secret", "admin"},
	"demo":     {"demo-secret", "demo"},
	"alt_demo": {"alt-demo-secret", "alt_demo"},
	"observer": {"observer-secret", "demo"},
}

const readyPrefix = "fakecloud ready: auth_url="

// cloud is the package's fakecloud, set by TestMain.
var cloud *fakeCloud

type fakeCloud struct {
	URL   string // e.g. http://127.0.0.1:40123, without a trailing slash
	token string // the control API's token (`--control-token`), if the cloud has one
	http  *http.Client
}

func TestMain(m *testing.M) {
	c, stop, err := startFakeCloud()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakecloud:", err)
		os.Exit(1)
	}
	cloud = c
	code := m.Run()
	stop()
	os.Exit(code)
}

func startFakeCloud() (*fakeCloud, func(), error) {
	if url := os.Getenv("FAKECLOUD_URL"); url != "" {
		c := &fakeCloud{URL: strings.TrimRight(url, "/"), token: os.Getenv("FAKECLOUD_CONTROL_TOKEN"), http: &http.Client{Timeout: 30 * time.Second}}
		if _, err := c.do("PUT", "/clock", map[string]string{"mode": "manual"}, http.StatusOK); err != nil {
			return nil, nil, err
		}
		return c, func() {}, nil
	}
	bin := os.Getenv("FAKECLOUD_BIN")
	if bin == "" {
		found, err := exec.LookPath("fakecloud")
		if err != nil {
			return nil, nil, fmt.Errorf("nothing to start: set FAKECLOUD_BIN, put fakecloud on PATH, or set FAKECLOUD_URL")
		}
		bin = found
	}
	logFile, err := os.CreateTemp("", "fakecloud-*.log")
	if err != nil {
		return nil, nil, err
	}
	token, err := controlToken()
	if err != nil {
		return nil, nil, err
	}
	cmd := exec.Command(bin, "serve", "--listen", "127.0.0.1:0", "--clock", "manual")
	// The control API answers only calls that carry this token.
	cmd.Env = append(os.Environ(), "FAKECLOUD_CONTROL_TOKEN="+token)
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	ready := make(chan string, 1)
	go func() { // reads stdout to its end, so the pipe never fills
		scanner := bufio.NewScanner(stdout)
		for scanner.Scan() {
			if line := scanner.Text(); strings.HasPrefix(line, readyPrefix) {
				ready <- strings.TrimSuffix(strings.TrimPrefix(line, readyPrefix), "/identity/v3")
			}
		}
		close(ready)
	}()
	terminate := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		logFile.Close()
	}
	select {
	case url, ok := <-ready:
		if ok {
			stop := func() { terminate(); os.Remove(logFile.Name()) }
			return &fakeCloud{URL: url, token: token, http: &http.Client{Timeout: 30 * time.Second}}, stop, nil
		}
	case <-time.After(30 * time.Second):
	}
	terminate()
	log, _ := os.ReadFile(logFile.Name())
	os.Remove(logFile.Name())
	return nil, nil, fmt.Errorf("%s did not print its ready line within 30 s (%v); its stderr:\n%s", bin, cmd.ProcessState, log)
}

// controlToken makes a random token for the control API of a cloud started here.
func controlToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// do sends one control API request and returns the body, or an error when the status is not want.
func (c *fakeCloud) do(method, path string, body interface{}, want int) ([]byte, error) {
	var reader io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		reader = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.URL+"/_fakecloud"+path, reader)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != want {
		return nil, fmt.Errorf("%s /_fakecloud%s: %d %s", method, path, resp.StatusCode, data)
	}
	return data, nil
}

func (c *fakeCloud) control(t *testing.T, method, path string, body interface{}, want int, out interface{}) {
	t.Helper()
	data, err := c.do(method, path, body, want)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s /_fakecloud%s: decoding %s: %v", method, path, data, err)
		}
	}
}

// Reset returns the cloud to the fixture's beginning: tokens, faults, journal and pending events go.
func (c *fakeCloud) Reset(t *testing.T) {
	t.Helper()
	c.control(t, "POST", "/reset", nil, http.StatusNoContent, nil)
}

// Advance moves simulated time forward by that many seconds and applies whatever fell due.
func (c *fakeCloud) Advance(t *testing.T, seconds int) {
	t.Helper()
	c.control(t, "POST", "/clock/advance", map[string]int{"by": seconds}, http.StatusOK, nil)
}

// AddFault installs a fault (see docs/control-api.md) and returns its id.
func (c *fakeCloud) AddFault(t *testing.T, fault map[string]interface{}) string {
	t.Helper()
	var out struct {
		Fault struct {
			ID string `json:"id"`
		} `json:"fault"`
	}
	c.control(t, "POST", "/faults", fault, http.StatusCreated, &out)
	return out.Fault.ID
}

// RemoveFault takes a fault out before its count or duration runs out.
func (c *fakeCloud) RemoveFault(t *testing.T, id string) {
	t.Helper()
	c.control(t, "DELETE", "/faults/"+id, nil, http.StatusNoContent, nil)
}

// journalEntry holds the fields of the journal entries these tests read.
type journalEntry struct {
	Kind     string  `json:"kind"`
	Resource string  `json:"resource"`
	ID       string  `json:"id"`
	From     *string `json:"from"`
	To       string  `json:"to"`
	Action   string  `json:"action"`
	Method   string  `json:"method"`
	Path     string  `json:"path"`
	Status   int     `json:"status"`
}

// Journal returns the journal's entries of one kind (api, transition, fault or control).
func (c *fakeCloud) Journal(t *testing.T, kind string) []journalEntry {
	t.Helper()
	var out struct {
		Entries []journalEntry `json:"entries"`
	}
	c.control(t, "GET", "/journal?kind="+kind, nil, http.StatusOK, &out)
	return out.Entries
}

// Provider logs a fixture user in to its project with gophercloud.
func (c *fakeCloud) Provider(t *testing.T, user string) *gophercloud.ProviderClient {
	t.Helper()
	cred, ok := users[user]
	if !ok {
		t.Fatalf("no user %q in the default fixture", user)
	}
	provider, err := openstack.AuthenticatedClient(gophercloud.AuthOptions{
		IdentityEndpoint: c.URL + "/identity/v3",
		Username:         user,
		Password:         cred[0],
		DomainName:       "Default",
		TenantName:       cred[1],
		AllowReauth:      true,
	})
	if err != nil {
		t.Fatalf("logging in as %s: %v", user, err)
	}
	return provider
}

// Compute returns a Nova client for the user, found through the token's catalog.
func (c *fakeCloud) Compute(t *testing.T, user string) *gophercloud.ServiceClient {
	t.Helper()
	client, err := openstack.NewComputeV2(c.Provider(t, user), gophercloud.EndpointOpts{Region: "RegionOne"})
	if err != nil {
		t.Fatal(err)
	}
	return client
}
