"""Prints the text pypdf extracts from each page of a PDF, as a JSON list of strings.

usage: pypdf_text.py FILE.pdf

pypdf reads the content stream's text operators in order (no layout analysis), so it is a second,
independent view of an OCR layer next to poppler's pdftotext, which sorts words by position.
"""
import json
import sys

from pypdf import PdfReader

reader = PdfReader(sys.argv[1])
print(json.dumps([page.extract_text() for page in reader.pages], ensure_ascii=False))
