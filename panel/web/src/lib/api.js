// The panel's JSON API (src/panel/api.hpp). Every request is same-origin JSON: the browser
// adds Origin and Sec-Fetch-Site, the session cookie is HttpOnly and never seen here.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function call(method, path, body) {
  const options = { method, headers: {}, credentials: 'same-origin' };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = data && data.error ? data.error : { code: 'http', message: response.statusText };
    throw new ApiError(response.status, error.code, error.message);
  }
  return data;
}

export const api = {
  login: (login, password) => call('POST', '/api/login', { login, password }),
  logout: () => call('POST', '/api/logout', {}),
  session: () => call('GET', '/api/session'),
  me: () => call('GET', '/api/me'),
  model: () => call('GET', '/api/model'),
  preview: (changes) => call('POST', '/api/preview', { changes }),
  save: (version, changes) => call('POST', '/api/save', { version, changes }),
  simulate: (to, at) => call('POST', '/api/simulate', { to, at }),
  graph: (what) => call('POST', '/api/graph', what),
  password: (current, next) => call('POST', '/api/password', { current, new: next }),
  dashboard: () => call('GET', '/api/dashboard'),
  userPassword: (extension, next) => call('POST', '/api/user-password', { extension, new: next }),
};
