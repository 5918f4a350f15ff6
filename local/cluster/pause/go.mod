module github.com/gin-deploy/local/cluster/pause

go 1.26.0
