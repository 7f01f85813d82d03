// Reading the public API. `has(path)` says whether this server serves a path (from the
// page configuration), so a page never requests an endpoint that is not there.

let config = { api: [] };

export function setConfig(c) {
  config = c;
}

export function has(path) {
  return config.api.includes(path);
}

/** All API paths starting with `prefix`. */
export function pathsUnder(prefix) {
  return config.api.filter((p) => p.startsWith(prefix));
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function answer(response) {
  if (response.ok) {
    if (response.status === 204) return null;
    return response.json();
  }
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (body && body.error && body.error.message) message = body.error.message;
  } catch {
    // not JSON: keep the status line
  }
  throw new ApiError(response.status, message);
}

function authHeaders() {
  const token = officerToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

export async function getJSON(path, params = {}) {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null) url.searchParams.set(k, v);
  }
  // No extra headers without a token: the request then matches the page's <link rel=preload>.
  return answer(await fetch(url, { headers: authHeaders() }));
}

export async function send(method, path, body, { form = false } = {}) {
  const headers = { Accept: "application/json", ...authHeaders() };
  let payload;
  if (form) {
    payload = new URLSearchParams(body);
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  return answer(await fetch(path, { method, headers, body: payload }));
}

const TOKEN_KEY = "paknam.officer";

export function officerToken() {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setOfficerToken(token) {
  try {
    if (token) window.sessionStorage.setItem(TOKEN_KEY, token);
    else window.sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // session storage disabled: the officer logs in again on each page
  }
}
