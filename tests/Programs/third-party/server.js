// A small Node service for Headroom's third-party suite: GET /ready answers "ok"; GET /users a page of users as JSON.
const http = require('http');
const port = Number(process.argv[2]);
http.createServer((req, res) => {
  if (req.url === '/ready') {
    res.end('ok');
    return;
  }
  const users = [];
  for (let i = 0; i < 200; i++) {
    users.push({ id: i, name: `user-${i}`, email: `user${i}@example.com` });
  }
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(users));
}).listen(port, '127.0.0.1');
