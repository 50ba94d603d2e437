// The public /v1 API, called with fetch. Anonymous first; a key only where the server answers 401.
const KEY = "credpath.apiKey";

export class NeedsKey extends Error {}

export class ApiError extends Error {
  constructor(problem, status) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export function setKey(value) {
  if (value) sessionStorage.setItem(KEY, value);
  else sessionStorage.removeItem(KEY);
}

function headers(json) {
  const h = { Accept: "application/json" };
  if (json) h["Content-Type"] = "application/json";
  const key = sessionStorage.getItem(KEY);
  if (key) h.Authorization = `Bearer ${key}`;
  return h;
}

export async function call(method, path, { params, body, signal } = {}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, String(value));
  }
  const response = await fetch(url, {
    method,
    headers: headers(body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  if (response.status === 401) throw new NeedsKey();
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(data, response.status);
  return data;
}

export const searchSkills = (q, signal) => call("GET", "/v1/skills", { params: { q, limit: 8 }, signal });
export const searchOccupations = (q, signal) => call("GET", "/v1/occupations", { params: { q, limit: 10 }, signal });
export const gaps = (body) => call("POST", "/v1/gaps", { body });
export const recommendations = (body) => call("POST", "/v1/recommendations", { body });
export const roles = (body, params) => call("POST", "/v1/roles", { body, params });
