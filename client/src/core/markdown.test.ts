import { describe, expect, it } from 'vitest';
import { escapeHtml, renderMarkdown } from './markdown';

describe('markdown notes', () => {
  it('escapes raw HTML instead of rendering it', () => {
    const html = renderMarkdown('<script>alert(1)</script>\n<img src=x onerror="alert(2)">');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('onerror=&quot;alert(2)&quot;');
  });

  it('keeps only http(s) and mailto links, with quotes escaped', () => {
    expect(renderMarkdown('[x](javascript:alert(1))')).not.toContain('<a');
    expect(renderMarkdown('[x](data:text/html,hi)')).not.toContain('<a');
    const link = renderMarkdown('[docs](https://example.com/a?b=1&c="2")');
    expect(link).toContain('<a href="https://example.com/a?b=1&amp;c=&quot;2&quot;"');
    expect(link).toContain('rel="noopener noreferrer nofollow"');
    expect(renderMarkdown('[me](mailto:a@b.c)')).toContain('href="mailto:a@b.c"');
  });

  it('renders headings, emphasis, code and lists', () => {
    expect(renderMarkdown('# Summary')).toBe('<h1>Summary</h1>');
    expect(renderMarkdown('Clear about **complexity**, *calm*, `O(n)`.')).toBe(
      '<p>Clear about <strong>complexity</strong>, <em>calm</em>, <code>O(n)</code>.</p>',
    );
    expect(renderMarkdown('- one\n- two\n\n1. first\n2. second')).toBe(
      '<ul><li>one</li><li>two</li></ul>\n<ol><li>first</li><li>second</li></ol>',
    );
    expect(renderMarkdown('> quoted')).toBe('<blockquote><p>quoted</p></blockquote>');
    expect(renderMarkdown('---')).toBe('<hr>');
  });

  it('leaves code blocks and code spans alone, escaped', () => {
    expect(renderMarkdown('```\nif a < b and **c**:\n```')).toBe('<pre><code>if a &lt; b and **c**:</code></pre>');
    expect(renderMarkdown('`<b>`')).toBe('<p><code>&lt;b&gt;</code></p>');
  });

  it('keeps line breaks inside a paragraph and does not italicise snake_case', () => {
    expect(renderMarkdown('line one\nline two')).toBe('<p>line one<br>line two</p>');
    expect(renderMarkdown('call max_sub_array here')).toBe('<p>call max_sub_array here</p>');
    expect(renderMarkdown('b.__x = 1 and c.__y')).toBe('<p>b.__x = 1 and c.__y</p>');
    expect(renderMarkdown('__bold__ text')).toBe('<p><strong>bold</strong> text</p>');
  });

  it('escapes every special character', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
