// argocheck judges a Kubernetes object the way two Argo projects do, with the libraries they use:
//
//	argocheck health SCRIPT.lua [OBJECT.json]      Argo CD: run a built-in resource health script (gopher-lua)
//	argocheck health-custom SCRIPT.lua [OBJECT.json]
//	                                               the same for a health customization from argocd-cm (no
//	                                               resource.customizations.useOpenLibs: standard libraries closed)
//	argocheck conditions SUCCESS FAILURE [OBJECT.json]
//	                                               Argo Workflows: a resource template's successCondition and
//	                                               failureCondition (label-selector requirements over gjson paths)
//
// The object is read from the file, or from stdin; the verdict is printed as one line of JSON.
// The mechanics follow Argo CD's util/lua (VM.runLua, ExecuteHealthLua, decodeValue) and Argo Workflows'
// workflow/executor/resource.go (gjsonLabels, matchConditions); the code is ours.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tidwall/gjson"
	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/labels"
	utiljson "k8s.io/apimachinery/pkg/util/json"
)

func main() {
	if len(os.Args) < 3 {
		fail("usage: argocheck health|health-custom SCRIPT.lua [OBJECT.json] | argocheck conditions SUCCESS FAILURE [OBJECT.json]")
	}
	switch os.Args[1] {
	case "health", "health-custom":
		obj := readObject(os.Args[3:])
		script, err := os.ReadFile(os.Args[2])
		if err != nil {
			fail(err.Error())
		}
		printJSON(health(string(script), obj, os.Args[1] == "health"))
	case "conditions":
		if len(os.Args) < 4 {
			fail("usage: argocheck conditions SUCCESS FAILURE [OBJECT.json] (an empty string for a condition not set)")
		}
		raw := readRaw(os.Args[4:])
		verdict, err := conditions(os.Args[2], os.Args[3], raw)
		if err != nil {
			fail(err.Error())
		}
		printJSON(verdict)
	default:
		fail(fmt.Sprintf("unknown command %q: use health, health-custom or conditions", os.Args[1]))
	}
}

// healthStatus is gitops-engine's health.HealthStatus as Argo CD reports it.
type healthStatus struct {
	Status  string `json:"status,omitempty"`
	Message string `json:"message,omitempty"`
	// ScriptError is set when the script raised an error; Argo CD then reports Unknown with the error as message.
	ScriptError bool `json:"scriptError,omitempty"`
}

var validHealth = map[string]bool{
	"Unknown": true, "Progressing": true, "Suspended": true, "Healthy": true, "Degraded": true, "Missing": true,
}

func health(script string, obj map[string]any, openLibs bool) healthStatus {
	// Built-in scripts run with the standard libraries open (UseOpenLibs), customizations without; then
	// package, base, table and a reduced os (time and date only) are opened on top, as Argo CD's runLua does.
	l := lua.NewState(lua.Options{SkipOpenLibs: !openLibs})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{{lua.LoadLibName, lua.OpenPackage}, {lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), Protect: true}, lua.LString(lib.name)); err != nil {
			fail(err.Error())
		}
	}
	// gopher-lua's own os.time and os.date, which Argo CD's safe os library copies.
	osLib := lua.NewState()
	defer osLib.Close()
	fullOs := osLib.GetGlobal(lua.OsLibName).(*lua.LTable)
	safeOs := l.NewTable()
	for _, name := range []string{"time", "date"} {
		safeOs.RawSetString(name, fullOs.RawGetString(name))
	}
	l.SetGlobal(lua.OsLibName, safeOs)
	l.PreloadModule(lua.OsLibName, func(l *lua.LState) int { l.Push(safeOs); return 1 })
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("actionParams", l.CreateTable(0, 0))
	l.SetGlobal("obj", toLua(l, obj))

	if err := l.DoString(script); err != nil {
		if apiErr, ok := err.(*lua.ApiError); ok && apiErr.Type == lua.ApiErrorRun {
			apiErr.StackTrace = ""
		}
		return healthStatus{Status: "Unknown", Message: err.Error(), ScriptError: true}
	}
	switch ret := l.Get(-1).(type) {
	case *lua.LTable:
		// Argo CD encodes the table to JSON and decodes {status, message}: an empty table or a sequence encodes
		// as a JSON array and gives an empty status; a non-string field fails the decoding.
		if first, _ := ret.Next(lua.LNil); first == lua.LNil || ret.Len() > 0 {
			return healthStatus{}
		}
		status, okStatus := optionalString(ret.RawGetString("status"))
		message, okMessage := optionalString(ret.RawGetString("message"))
		if !okStatus || !okMessage {
			return healthStatus{Status: "Unknown", Message: "health script returned a non-string status or message", ScriptError: true}
		}
		if !validHealth[status] {
			return healthStatus{Status: "Unknown", Message: "Lua returned an invalid health status"}
		}
		return healthStatus{Status: status, Message: message}
	case *lua.LNilType:
		return healthStatus{}
	default:
		return healthStatus{Status: "Unknown", Message: fmt.Sprintf("expect table output from Lua script, not %s", ret.Type()), ScriptError: true}
	}
}

func optionalString(v lua.LValue) (string, bool) {
	switch s := v.(type) {
	case lua.LString:
		return string(s), true
	case *lua.LNilType:
		return "", true
	}
	return "", false
}

// toLua converts decoded JSON as Argo CD's decodeValue does: arrays become sequences, objects tables with
// string keys, integers (int64) and floats numbers, null nil (so the key is absent).
func toLua(l *lua.LState, value any) lua.LValue {
	switch v := value.(type) {
	case bool:
		return lua.LBool(v)
	case float64:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case string:
		return lua.LString(v)
	case json.Number:
		return lua.LString(v)
	case []any:
		arr := l.CreateTable(len(v), 0)
		for _, item := range v {
			arr.Append(toLua(l, item))
		}
		return arr
	case map[string]any:
		tbl := l.CreateTable(0, len(v))
		for key, item := range v {
			tbl.RawSetH(lua.LString(key), toLua(l, item))
		}
		return tbl
	}
	return lua.LNil
}

// gjsonLabels lets label-selector requirements read any field of the object by its gjson path.
type gjsonLabels []byte

func (g gjsonLabels) Has(path string) bool   { return gjson.GetBytes(g, path).Exists() }
func (g gjsonLabels) Get(path string) string { return gjson.GetBytes(g, path).String() }
func (g gjsonLabels) Lookup(path string) (string, bool) {
	r := gjson.GetBytes(g, path)
	return r.String(), r.Exists()
}

type conditionVerdict struct {
	// Outcome is what the resource step does now: "failed" (a failure requirement matched), "succeeded" (every
	// success requirement matched), or "waiting" (neither: Argo polls again).
	Outcome     string `json:"outcome"`
	Failure     bool   `json:"failure"`
	Success     bool   `json:"success"`
	Requirement string `json:"requirement,omitempty"`
}

func conditions(success, failure string, raw []byte) (conditionVerdict, error) {
	if !gjson.ValidBytes(raw) {
		return conditionVerdict{}, fmt.Errorf("the object is not valid JSON")
	}
	successReqs, err := requirements(success)
	if err != nil {
		return conditionVerdict{}, fmt.Errorf("success condition '%s' failed to parse: %v", success, err)
	}
	failReqs, err := requirements(failure)
	if err != nil {
		return conditionVerdict{}, fmt.Errorf("fail condition '%s' failed to parse: %v", failure, err)
	}
	ls := gjsonLabels(raw)
	verdict := conditionVerdict{Outcome: "waiting"}
	for _, req := range failReqs {
		if req.Matches(ls) {
			verdict.Failure, verdict.Outcome, verdict.Requirement = true, "failed", req.String()
			return verdict, nil
		}
	}
	matched := 0
	for _, req := range successReqs {
		if req.Matches(ls) {
			matched++
		}
	}
	if matched >= len(successReqs) {
		verdict.Success, verdict.Outcome = true, "succeeded"
	}
	return verdict, nil
}

func requirements(condition string) (labels.Requirements, error) {
	if condition == "" {
		return nil, nil
	}
	selector, err := labels.Parse(condition)
	if err != nil {
		return nil, err
	}
	reqs, _ := selector.Requirements()
	return reqs, nil
}

func readRaw(args []string) []byte {
	var data []byte
	var err error
	if len(args) > 0 {
		data, err = os.ReadFile(args[0])
	} else {
		data, err = io.ReadAll(os.Stdin)
	}
	if err != nil {
		fail(err.Error())
	}
	return data
}

// readObject decodes as apimachinery's unstructured JSON scheme does: integers stay int64.
func readObject(args []string) map[string]any {
	obj := map[string]any{}
	if err := utiljson.Unmarshal(readRaw(args), &obj); err != nil {
		fail(fmt.Sprintf("the object is not a JSON object: %v", err))
	}
	return obj
}

func printJSON(v any) {
	out, _ := json.Marshal(v)
	fmt.Println(string(out))
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "argocheck: "+msg)
	os.Exit(2)
}
