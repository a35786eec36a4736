ENTRYPOINT ["tini", "--", "docker-entrypoint.sh"]
CMD ["redis-server"]
