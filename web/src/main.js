// Entry point of the offline GraphiQL page served by `chainkg serve`.
import './workers.js';
import 'graphiql/style.css';
// GraphiQL's fonts, as data: URLs inside the CSS: no font request leaves the page.
import '@graphiql/react/font/roboto.css';
import '@graphiql/react/font/fira-code.css';
import './page.css';

import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';

import { fetcher } from './fetcher.js';
import { EXAMPLES } from './examples.js';

// The data are largely Chinese: Monaco would box every full-width bracket and
// comma of a result as an "ambiguous character". Turn that off for every editor
// GraphiQL creates. This is the same lazily loaded module GraphiQL imports, so
// it adds no code; its promise settles first, so the hook is in place before
// GraphiQL creates its editors.
import('monaco-graphql/esm/monaco-editor.js').then((monaco) => {
  monaco.editor.onDidCreateEditor((editor) => {
    editor.updateOptions({ unicodeHighlight: { ambiguousCharacters: false } });
  });
});

const root = createRoot(document.getElementById('graphiql'));
root.render(
  createElement(GraphiQL, {
    fetcher,
    defaultTabs: EXAMPLES,
    defaultEditorToolsVisibility: true,
    // Bearer tokens for mutations typed in the headers editor stay in memory only.
    shouldPersistHeaders: false,
  }),
);
