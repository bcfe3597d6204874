"""Ally's web app: the chat widget's socket.io endpoint, the supporter app and the JSON API."""
