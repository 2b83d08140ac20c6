// GET /live: a ticker's live stream with EventSource. Text is only ever set as textContent
// (never HTML). EventSource reconnects by itself and sends Last-Event-ID, so a stream the
// server ends (a deploy, a maximum duration) resumes without a gap.
(() => {
  const form = document.getElementById('pick');
  const symbolInput = document.getElementById('symbol');
  const tokenInput = document.getElementById('token');
  const status = document.getElementById('status');
  const list = document.getElementById('posts');
  let source = null;

  const params = new URLSearchParams(location.search);
  if (params.get('symbol')) symbolInput.value = params.get('symbol');

  function setStatus(text, state) {
    status.textContent = text;
    status.dataset.state = state;
  }

  function item(post, kind) {
    const li = document.createElement('li');
    li.dataset.id = post.id;
    li.dataset.kind = kind;
    const author = document.createElement('span');
    author.className = 'author';
    author.textContent = `@${post.author.username}`;
    const time = document.createElement('span');
    time.className = 'time';
    time.textContent = new Date(post.created_at).toLocaleTimeString();
    const content = document.createElement('p');
    content.className = 'content';
    content.textContent = post.content;
    li.append(author, time, content);
    return li;
  }

  function connect() {
    if (source) source.close();
    list.replaceChildren();
    const symbol = symbolInput.value.trim().replace(/^[$#]/, '');
    const query = tokenInput.value ? `?access_token=${encodeURIComponent(tokenInput.value)}` : '';
    history.replaceState(null, '', `/live?symbol=${encodeURIComponent(symbol)}`);
    source = new EventSource(`/streams/tickers/${encodeURIComponent(symbol)}${query}`);
    setStatus(`connecting to $${symbol.toUpperCase()}…`, 'connecting');
    source.addEventListener('open', () => setStatus(`live: $${symbol.toUpperCase()}`, 'live'));
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) setStatus('closed', 'closed');
      else setStatus('reconnecting…', 'connecting');
    });
    source.addEventListener('post', (event) => {
      list.prepend(item(JSON.parse(event.data), 'post'));
    });
    source.addEventListener('post.updated', (event) => {
      const post = JSON.parse(event.data);
      const old = list.querySelector(`li[data-id="${CSS.escape(post.id)}"]`);
      if (old) old.replaceWith(item(post, 'post'));
    });
    source.addEventListener('post.deleted', (event) => {
      const { id } = JSON.parse(event.data);
      const old = list.querySelector(`li[data-id="${CSS.escape(id)}"]`);
      if (old) old.classList.add('deleted');
    });
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    connect();
  });
  connect();
})();
