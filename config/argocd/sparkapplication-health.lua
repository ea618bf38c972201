-- sparkplane's health check for sparkoperator.k8s.io/SparkApplication, for Argo CD's argocd-cm key
-- resource.customizations.health.sparkoperator.k8s.io_SparkApplication (see docs/argocd.md).
-- It gives the verdicts of Argo CD's built-in check, and Suspended for a suspended application, which the
-- built-in check (it knows no SUSPENDED state) reports as Progressing forever. Written for Argo CD's
-- customization sandbox: base library only (no math, no string), `obj` is the SparkApplication.

local unbounded = 2^1024 - 1

-- The number of RUNNING executors that counts as healthy: min, max; nil when the spec does not say.
local function healthyExecutorRange(spec)
  local executor = spec.executor or {}
  local dynamic = spec.dynamicAllocation
  if dynamic ~= nil and dynamic.enabled then
    return dynamic.minExecutors or 0, dynamic.maxExecutors or unbounded
  end
  local conf = spec.sparkConf or {}
  for _, prefix in ipairs({ "spark.streaming.dynamicAllocation.", "spark.dynamicAllocation." }) do
    if conf[prefix .. "enabled"] == "true" then
      return tonumber(conf[prefix .. "minExecutors"]) or 0, tonumber(conf[prefix .. "maxExecutors"]) or unbounded
    end
  end
  if dynamic == nil and executor.instances == nil then
    return 1, unbounded
  end
  return nil
end

local function runningExecutors(status)
  local n = 0
  for _, state in pairs(status.executorState or {}) do
    if state == "RUNNING" then
      n = n + 1
    end
  end
  return n
end

local function verdict(status, message)
  return { status = status, message = message }
end

local status = obj.status or {}
local app = status.applicationState or {}
local state = app.state
local spec = obj.spec or {}

if state == nil then
  return verdict("Progressing", "Waiting for the operator to submit the application")
elseif state == "" then
  return verdict("Progressing", "Submission pending")
elseif state == "RUNNING" then
  local running = runningExecutors(status)
  local instances = (spec.executor or {}).instances
  if instances ~= nil and instances == running then
    return verdict("Healthy", "Running with " .. running .. " executors")
  end
  local min, max = healthyExecutorRange(spec)
  if min ~= nil and running >= min and running <= max then
    return verdict("Healthy", "Running with " .. running .. " executors")
  end
  return verdict("Progressing", "Running, waiting for executors (" .. running .. " running)")
elseif state == "COMPLETED" then
  return verdict("Healthy", "Completed")
elseif state == "FAILED" or state == "FAILING" or state == "SUBMISSION_FAILED" then
  return verdict("Degraded", app.errorMessage)
elseif state == "SUSPENDED" then
  return verdict("Suspended", "Suspended (spec.suspend is true)")
elseif state == "INVALIDATING" then
  return verdict("Missing", "The spec changed: the current run is being replaced")
else
  -- SUBMITTED, PENDING_RERUN, SUCCEEDING, SUSPENDING, RESUMING, UNKNOWN: on their way to another state.
  return verdict("Progressing", "State " .. state)
end
